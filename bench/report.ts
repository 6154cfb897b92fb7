// Writes a benchmark's table into docs/performance.md between markers, leaving the rest as it is.
import { readFileSync, writeFileSync } from 'node:fs';

export function writeSection(file: string, name: string, body: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} … ${end} section`);
  writeFileSync(file, `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`);
}
