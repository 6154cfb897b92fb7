// What a database span says about a statement, read from the statement's SQL text: the operations
// and tables in the order they are written, as the conventions' query summary (`SELECT events`,
// `UPDATE queue_items SELECT queue_items`, `SELECT deliveries events destinations`), the command of
// the statement itself, and its table when it touches exactly one. A scanner, not a parser: enough
// for Lumetry's own statements (test/sql-summary.test.ts runs it over each of them). Literals,
// placeholders and comments are skipped, so no value can reach a summary.
// https://opentelemetry.io/docs/specs/semconv/database/database-spans/#generating-a-summary-of-the-query

export interface SqlSummary {
  /** `{operation} {table} {operation} {table}…`, at most 255 characters. */
  readonly summary: string;
  /** The statement's own command (outside any sub-query): `SELECT`, `INSERT`, `UPDATE`, `DELETE`… */
  readonly operation: string | undefined;
  /** The one table the statement reads or writes, when there is exactly one. */
  readonly collection: string | undefined;
}

const maxSummaryLength = 255;
const operations = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE']);
/** Words that follow a table in a FROM list and so are not its alias. */
const clauseWords = new Set([
  'WHERE', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'ON', 'USING', 'ORDER', 'GROUP', 'HAVING',
  'LIMIT', 'OFFSET', 'FOR', 'UNION', 'EXCEPT', 'INTERSECT', 'RETURNING', 'SET', 'WINDOW', 'VALUES',
]);
// Whitespace, comments, string literals, numbers and placeholders are dropped; quoted identifiers
// stay as written.
const tokenPattern = /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|\d+(?:\.\d+)?|\$\d+|("(?:[^"]|"")*"|[A-Za-z_][\w$.]*|\S)/gy;

export function summarizeSql(sql: string): SqlSummary {
  const tokens = tokensOf(sql);
  const parts: string[] = [];
  const tables = new Set<string>();
  let operation: string | undefined;
  let depth = 0;
  const table = (at: number): boolean => {
    const word = tokens[at];
    if (word === undefined || !isName(word)) return false;
    parts.push(word);
    tables.add(word);
    return true;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const word = token.toUpperCase();
    if (token === '(') depth++;
    else if (token === ')') depth--;
    else if (operations.has(word) && !(word === 'UPDATE' && /^(DO|FOR)$/i.test(tokens[i - 1] ?? ''))) {
      parts.push(token);
      if (depth === 0) operation ??= token;
      if (word === 'UPDATE' && table(i + 1)) i++;
    } else if ((word === 'INTO' || word === 'JOIN') && table(i + 1)) i++;
    else if (word === 'FROM') {
      // A list of tables, each perhaps with an alias; a sub-query in it is scanned as the rest is.
      while (table(i + 1)) {
        i++;
        if (tokens[i + 1]?.toUpperCase() === 'AS') i += 2;
        else if (isName(tokens[i + 1] ?? '') && !clauseWords.has(tokens[i + 1]!.toUpperCase())) i++;
        if (tokens[i + 1] !== ',') break;
        i++;
      }
    }
  }
  // Another command (CREATE, VACUUM…) is summarised by its first word.
  if (parts.length === 0 && tokens[0] !== undefined && isName(tokens[0])) parts.push((operation = tokens[0]));
  return { summary: truncated(parts), operation, collection: tables.size === 1 ? [...tables][0] : undefined };
}

function tokensOf(sql: string): string[] {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  for (let match = tokenPattern.exec(sql); match !== null; match = tokenPattern.exec(sql)) {
    if (match[1] !== undefined) tokens.push(match[1]);
  }
  return tokens;
}

function isName(token: string): boolean {
  return /^([A-Za-z_]|")/.test(token) && !operations.has(token.toUpperCase());
}

/** Whole parts only, up to the conventions' 255 characters. */
function truncated(parts: readonly string[]): string {
  let summary = '';
  for (const part of parts) {
    const next = summary === '' ? part : `${summary} ${part}`;
    if (next.length > maxSummaryLength) break;
    summary = next;
  }
  return summary;
}
