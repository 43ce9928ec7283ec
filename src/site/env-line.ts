/**
 * The environment panel's export line, and what the reader's values mean for
 * each step. Pure, and small enough to ship to the browser
 * (src/components/EnvPanel.astro, src/site/reader.ts).
 *
 * The commands on a page are never rewritten with the reader's values. What
 * ran is what is shown and what the copy button copies, byte for byte; a
 * command with the reader's path spliced in is a command nobody ran, and a
 * quoting slip in that splice (a space in a path) would break it exactly
 * when it matters. Instead the reader's values reach the commands the way
 * the commands already take them, through the environment: the export line
 * is pasted first, and under each step that uses one of these variables a
 * hint says the value it will take ("With your values: PGDATA=/srv/pg"), or
 * that the page itself sets it in an earlier step, which then wins.
 */

export const STORAGE_KEY = 'proven-runbooks:environment';
export const VARIABLES = ['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGDATA', 'SERVER_LOG', 'ARCHIVE', 'BACKUP_DIR'] as const;
export type Variable = (typeof VARIABLES)[number];

/** The database name the pages write into their commands. */
export const EXAMPLE_DATABASE = 'appdb';

/** A value as one shell word: bare when safe, else single-quoted. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `export PGHOST=… BACKUP_DIR=…` for the filled-in values, in a fixed order; undefined when none is. */
export function exportLine(values: Record<string, string | undefined>): string | undefined {
  const pairs = VARIABLES
    .map((name) => [name, (values[name] ?? '').trim()] as const)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}=${shellWord(value)}`);
  return pairs.length > 0 ? `export ${pairs.join(' ')}` : undefined;
}

/** Stored values, or none when the stored text is missing or not ours. */
export function readStored(text: string | null): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(text ?? '{}');
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(Object.entries(parsed).filter(([k, v]) => (VARIABLES as readonly string[]).includes(k) && typeof v === 'string'));
  } catch {
    return {};
  }
}

/** The panel's variables a step expands (`$PGDATA`, `${PGDATA}`, `${PGDATA:-x}`), in panel order. */
export function variablesIn(code: string): Variable[] {
  return VARIABLES.filter((name) => new RegExp(`\\$(?:${name}\\b|\\{${name}[}:#%/-])`).test(code));
}

/** The panel's variables a step assigns for the rest of the session (`X=…`, `export X=…`, not `X=… cmd`). */
export function variablesSetIn(code: string): Variable[] {
  return VARIABLES.filter((name) => new RegExp(`^\\s*(?:export\\s+|declare\\s+-x\\s+)?${name}=(?:"[^"]*"|'[^']*'|\\S*)\\s*(?:#.*)?$`, 'm').test(code)
    || new RegExp(`^\\s*export\\s+(?:\\w+=\\S*\\s+)*${name}=`, 'm').test(code));
}

/** Whether a step writes the example database's name as a word (`pg_dump appdb`, `-d appdb`), not `appdb_restored`. */
export function namesExampleDatabase(code: string): boolean {
  return new RegExp(`(?<![\\w-])${EXAMPLE_DATABASE}(?![\\w-])`).test(code);
}

/** What a step shown on a page needs to know to hint at the reader's values (built into the page). */
export interface StepValues {
  uses: Variable[];
  /** Variables this step sets itself (for the steps after it). */
  sets: Variable[];
  /** Variables an earlier shown step of the page sets (→ its anchor): the page's value wins over the reader's. */
  setBy: Partial<Record<Variable, string>>;
  namesExample: boolean;
}

export type Hint = { text: string; href?: string };

/**
 * The hint under one step for the reader's filled values; empty when there is
 * nothing to say (no values, or the step uses none of them).
 */
export function valueHints(step: StepValues, values: Record<string, string | undefined>): Hint[] {
  const hints: Hint[] = [];
  const filled = (name: string) => (values[name] ?? '').trim();
  const own = step.uses.filter((v) => filled(v) && !step.setBy[v] && !step.sets.includes(v));
  if (own.length > 0) hints.push({ text: `With your values: ${own.map((v) => `${v}=${shellWord(filled(v))}`).join(' ')}` });
  for (const v of step.uses.filter((u) => filled(u) && step.setBy[u])) {
    hints.push({ text: `${v} is set by a step of this page, not from your values`, href: `#${step.setBy[v]}` });
  }
  const replaced = step.sets.filter(filled);
  if (replaced.length > 0) hints.push({ text: `Sets ${replaced.join(', ')} itself: the steps after it use this page's value, not yours` });
  if (step.namesExample && filled('PGDATABASE') && filled('PGDATABASE') !== EXAMPLE_DATABASE) {
    hints.push({ text: `Names the example database ${EXAMPLE_DATABASE}: yours is ${filled('PGDATABASE')}` });
  }
  return hints;
}
