/**
 * Shell text the harness writes and the site shows: one rule each, so the
 * script a reader downloads sends a step exactly as the harness sent it. Pure.
 */

/** A word as the shell reads it: left bare when that is safe, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A here-document delimiter that does not occur in the text. */
function delimiterFor(text: string): string {
  let delimiter = 'SQL';
  for (let n = 1; text.split('\n').some((line) => line === delimiter); n++) delimiter = `SQL_${n}`;
  return delimiter;
}

/**
 * SQL goes to psql on stdin, as an operator pastes it: `-X` ignores any
 * ~/.psqlrc, `ON_ERROR_STOP=1` makes the first error fail the step with exit 3
 * (psql's default is to carry on and exit 0, the classic silent restore failure).
 */
export function psqlScript(sql: string, database?: string): string {
  const db = database !== undefined ? ` -d ${shellQuote(database)}` : '';
  const delimiter = delimiterFor(sql);
  return `psql -X -v ON_ERROR_STOP=1${db} <<'${delimiter}'\n${sql}\n${delimiter}`;
}
