// Reads the environment once: every variable is parsed, every problem collected, nothing thrown.
// Precedence: NAME, else NAME_FILE for secrets, else the default. An empty string counts as unset.
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { type Config, toConfig } from './config.ts';
import { type ParsedValues, type VariableName, type VariableSpec, variables } from './variables.ts';

export type Source = 'environment' | 'file' | 'default' | 'unset';

export interface Setting {
  readonly name: VariableName;
  readonly source: Source;
  readonly secret: boolean;
  /** The parsed value; a secret's value is only for the process, never for display. */
  readonly value: unknown;
}

export interface Problem {
  readonly variable: string;
  readonly reason: string;
}

export type LoadResult =
  | { readonly ok: true; readonly config: Config; readonly settings: readonly Setting[]; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env, cwd: string): LoadResult {
  const problems: Problem[] = [];
  const settings: Setting[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(variables) as [VariableName, VariableSpec][]) {
    const raw = readRaw(name, spec, env, problems);
    if (raw === null) continue;
    if (raw.text === undefined) {
      settings.push({ name, source: 'unset', secret: spec.secret === true, value: undefined });
      continue;
    }
    // Surrounding spaces are a slip of the hand (a pasted URL, `KEY= value` in a file), never meant.
    const parsed = v.safeParse(spec.schema, raw.text.trim());
    if (!parsed.success) {
      const shown = spec.secret ? '' : ` (got ${JSON.stringify(raw.text)})`;
      problems.push({ variable: raw.from, reason: `${parsed.issues[0].message}${shown}` });
      continue;
    }
    values[name] = parsed.output;
    settings.push({ name, source: raw.source, secret: spec.secret === true, value: parsed.output });
  }
  if (problems.length === 0) problems.push(...reconcile(values, settings));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: toConfig(values as unknown as ParsedValues, cwd), settings, warnings: [...unknownVariables(env), ...unreadOtelVariables(env)] };
}

interface Raw {
  readonly text: string | undefined;
  readonly source: Source;
  readonly from: string;
}

/** null: a problem was recorded. */
function readRaw(name: VariableName, spec: VariableSpec, env: Env, problems: Problem[]): Raw | null {
  const spelled = spec.alias !== undefined && nonEmpty(env[name]) === undefined ? spec.alias : name;
  const direct = nonEmpty(env[spelled]);
  const filePath = spec.secret ? nonEmpty(env[`${name}_FILE`]) : undefined;
  if (direct !== undefined && filePath !== undefined) {
    problems.push({ variable: name, reason: `set either ${name} or ${name}_FILE, not both` });
    return null;
  }
  if (direct !== undefined) return { text: direct, source: 'environment', from: spelled };
  if (filePath !== undefined) {
    try {
      const text = nonEmpty(readFileSync(filePath, 'utf8').replace(/\r?\n$/, ''));
      if (text === undefined) {
        problems.push({ variable: `${name}_FILE`, reason: `file ${filePath} is empty` });
        return null;
      }
      return { text, source: 'file', from: `${name}_FILE` };
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      problems.push({ variable: `${name}_FILE`, reason: `cannot read file ${filePath} (${code})` });
      return null;
    }
  }
  if (spec.default !== undefined) return { text: spec.default, source: 'default', from: name };
  return { text: undefined, source: 'unset', from: name };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

// Kubernetes injects `<SERVICE>_PORT…` and `<SERVICE>_SERVICE_…` variables for a Service named
// "lumetry"; those are not typos and must not produce warnings.
const kubernetesServiceLink = /^LUMETRY_(SERVICE_(HOST|PORT).*|PORT(_\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)?)$/;

/** Every variable Lumetry reads, `_FILE` forms of secrets included. */
const knownNames = new Set<string>(Object.entries(variables).flatMap(([name, spec]) => ('secret' in spec ? [name, `${name}_FILE`] : [name])));

function unknownVariables(env: Env): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('LUMETRY_') && !name.startsWith('LUMETRY_TEST_'))
    .filter((name) => !knownNames.has(name) && !kubernetesServiceLink.test(name))
    .sort()
    .map((name) => `unknown setting ${name} is ignored`);
}

/**
 * Values each valid alone that cannot go together. An export batch cannot be larger than its queue:
 * set so, it is refused; left at its default, it shrinks to a smaller queue the operator chose.
 */
function reconcile(values: Record<string, unknown>, settings: readonly Setting[]): Problem[] {
  const problems: Problem[] = [];
  for (const processor of ['BSP', 'BLRP'] as const) {
    const batchName = `OTEL_${processor}_MAX_EXPORT_BATCH_SIZE`;
    const batch = values[batchName] as number;
    const queue = values[`OTEL_${processor}_MAX_QUEUE_SIZE`] as number;
    if (batch <= queue) continue;
    if (settings.find((setting) => setting.name === batchName)?.source === 'default') values[batchName] = queue;
    else problems.push({ variable: batchName, reason: `must not be more than OTEL_${processor}_MAX_QUEUE_SIZE (${queue}), got ${batch}` });
  }
  return problems;
}

const unreadOtelReasons: Record<string, string> = {
  OTEL_SERVICE_NAME: 'service.name is each process’s own (ingest-api, console, worker); OTEL_RESOURCE_ATTRIBUTES adds service.namespace and the like',
  OTEL_PROPAGATORS: 'Lumetry propagates W3C trace context (traceparent) only',
  OTEL_EXPORTER_OTLP_CLIENT_KEY: 'client certificates (mTLS) are not offered: put a local Collector in front',
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: 'client certificates (mTLS) are not offered: put a local Collector in front',
};

/**
 * Standard OpenTelemetry variables Lumetry does not read, so an operator who sets one (or a platform
 * that injects one) learns it has no effect instead of assuming it has.
 */
function unreadOtelVariables(env: Env): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('OTEL_') && !knownNames.has(name) && nonEmpty(env[name]) !== undefined)
    .sort()
    .map((name) => {
      const reason = unreadOtelReasons[name.replace(/_(TRACES|METRICS|LOGS)_/, '_')];
      return `${name} is not used by Lumetry and is ignored${reason ? `: ${reason}` : ''}`;
    });
}
