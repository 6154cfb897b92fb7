// Prints a benchmark's table and writes it into docs/performance.md between markers, leaving the
// rest as it is.
import { readFileSync, writeFileSync } from 'node:fs';

function writeSection(file: string, name: string, body: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} … ${end} section`);
  writeFileSync(file, `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`);
}

/** A caption, then the table; printed, and written into `file`'s section `name` when a file is given. */
export function publish(name: string, caption: string, headers: readonly string[], rows: readonly string[], file: string | undefined): void {
  const table = [caption, '', `| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows].join('\n');
  console.log(`\n${table}`);
  if (file) writeSection(file, name, table);
}
