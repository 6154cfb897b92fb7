// Checks a log line against the ECS field definitions that @elastic/ecs ships: every field must be
// an ECS field of the right type, or one of Lumetry's own `lumetry.` fields that docs/observability.md
// lists.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { EcsFlat } from '@elastic/ecs';

type Definition = { type: string };
const fields = EcsFlat as unknown as Record<string, Definition>;
const numeric = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long']);
const strings = new Set(['keyword', 'wildcard', 'text', 'match_only_text', 'constant_keyword']);
const documentedOwnFields = new Set(
  readFileSync(new URL('../../docs/observability.md', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `lumetry.'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`(lumetry\.[a-z_]+)`/g)].map(([, field]) => field!)),
);

/** Problems with one parsed log document; empty when it conforms. */
export function ecsProblems(document: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const keys = Object.keys(document);
  if (keys.slice(0, 3).join() !== '@timestamp,log.level,message') problems.push(`the first fields are ${keys.slice(0, 3).join(', ')}`);
  for (const [path, value] of flatten(document)) {
    if (path.startsWith('lumetry.')) {
      if (!documentedOwnFields.has(path)) problems.push(`${path} is not in docs/observability.md's list of Lumetry's own fields`);
      continue;
    }
    const definition = fields[path];
    if (!definition) {
      problems.push(`${path} is not an ECS field`);
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      const fits =
        strings.has(definition.type) ? typeof item === 'string'
        : numeric.has(definition.type) ? Number.isInteger(item)
        : definition.type === 'date' ? typeof item === 'string' && !Number.isNaN(Date.parse(item))
        : definition.type === 'ip' ? typeof item === 'string' && isIP(item) !== 0
        : definition.type === 'boolean' ? typeof item === 'boolean'
        : true;
      if (!fits) problems.push(`${path} must be ${definition.type}, got ${JSON.stringify(item)}`);
    }
  }
  return problems;
}

function flatten(value: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(value).flatMap(([key, child]) =>
    typeof child === 'object' && child !== null && !Array.isArray(child) ? flatten(child as Record<string, unknown>, `${prefix}${key}.`) : [[`${prefix}${key}`, child] as [string, unknown]],
  );
}
