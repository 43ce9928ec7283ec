/**
 * Which work of a step grows with the data, read from its shell text by a few
 * rules a reader can check against the command. Pure.
 *
 * - dump: `pg_dump`, or `pg_dumpall` of more than globals; not `--schema-only`.
 * - restore: `pg_restore` into a database (`--dbname`/`-d`; not `--list`, not
 *   `--schema-only`, not `--file` alone, which only reads the archive).
 * - restore by psql: `psql` reading a file that a data `pg_dump` of this page
 *   wrote (`--file`/`-f`/`< file`), or fed by a pipe from `pg_dump` or from a
 *   decompressor or decryptor (`gunzip -c`, `zstd -d`, `openssl`…). A SQL
 *   script of the page's own (a migration, a check) is not a restore.
 * - base backup: `pg_basebackup`, `pg_combinebackup`, `pgbackrest backup|restore`,
 *   or a copy of a data directory or base backup (`cp -a`/`-r`, `rsync`,
 *   `tar` create or extract, naming `PGDATA`, `pgdata` or a `base` directory).
 * - WAL replay: a server start (`pg_ctl … start`) of a directory that this step
 *   or an earlier one prepared for recovery (`recovery.signal`, or a
 *   `pgbackrest restore` into it) since its last start.
 *
 * SQL steps do none of these (their text goes to psql as statements). Nor do
 * function definitions (`name() { … }`): their commands run, and take time,
 * where the function is called, which these rules do not follow.
 */

export type WorkKind = 'dump' | 'restore' | 'base-backup' | 'wal-replay';

/** Which measured rate estimates the work: a plain dump replayed by psql is measured apart from pg_restore. */
export type RateKey = 'dump' | 'restore' | 'restore-psql' | 'base-backup' | 'wal-replay';

export interface Work {
  kind: WorkKind;
  rate: RateKey;
  /** The rule that matched, in words, for the page and for tests. */
  rule: string;
  /** The command it matched (its words, quotes removed). */
  command: string;
}

export interface StepText {
  code: string;
  language: 'bash' | 'sql';
}

interface Command {
  words: string[];
  /** The command before a `|`, when this one reads its output. */
  pipedFrom?: Command;
}

const FUNCTION_START = /^\s*(function\s+)?[A-Za-z_][\w-]*\s*\(\)\s*\{/;
const braceDepth = (line: string) => (line.match(/\{/g)?.length ?? 0) - (line.match(/\}/g)?.length ?? 0);

/** Joins continued lines; drops here-document bodies (data, not commands) and function definitions. */
function shellLines(code: string): string[] {
  const lines: string[] = [];
  let heredoc: { end: string; tabs: boolean } | undefined;
  let pending = '';
  let functionDepth = 0;
  for (const raw of code.split('\n')) {
    if (heredoc) {
      const candidate = heredoc.tabs ? raw.replace(/^\t+/, '') : raw;
      if (candidate === heredoc.end) heredoc = undefined;
      continue;
    }
    if (functionDepth > 0 || (pending === '' && FUNCTION_START.test(raw))) {
      functionDepth = Math.max(0, functionDepth + braceDepth(raw));
      const start = /<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(raw);
      if (start) heredoc = { end: start[3]!, tabs: start[1] === '-' };
      continue;
    }
    const line = pending + raw;
    if (line.endsWith('\\')) {
      pending = `${line.slice(0, -1)} `;
      continue;
    }
    // A line ending in a pipe or `&&` continues on the next one.
    if (/(\||&&)\s*$/.test(line) && !/#/.test(line)) {
      pending = `${line} `;
      continue;
    }
    pending = '';
    lines.push(line);
    const start = /<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(line);
    if (start) heredoc = { end: start[3]!, tabs: start[1] === '-' };
  }
  if (pending) lines.push(pending);
  return lines;
}

/** Splits a line into commands at `|`, `||`, `&&`, `;`, `&`, `(`, `)` outside quotes; drops `#` comments. */
function lineCommands(line: string): Command[] {
  const commands: Command[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  let pipe = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (nextIsPiped: boolean) => {
    endWord();
    if (words.length > 0) {
      const command: Command = { words };
      if (pipe && commands.length > 0) command.pipedFrom = commands.at(-1)!;
      commands.push(command);
    }
    words = [];
    pipe = nextIsPiped;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
      continue;
    }
    if (c === '#' && !inWord) break;
    if (c === ' ' || c === '\t') {
      endWord();
      continue;
    }
    if (c === '|' || c === '&' || c === ';' || c === '(' || c === ')') {
      const doubled = line[i + 1] === c;
      // `|&` pipes stderr too; `2>&1` and `&>` are redirections, not separators.
      if (c === '&' && (word.endsWith('>') || line[i + 1] === '>')) {
        word += c;
        inWord = true;
        continue;
      }
      endCommand(c === '|' && !doubled);
      if (doubled) i++;
      continue;
    }
    word += c;
    inWord = true;
  }
  endCommand(false);
  return commands;
}

export function shellCommands(code: string): Command[] {
  return shellLines(code).flatMap(lineCommands);
}

const base = (word: string) => word.slice(word.lastIndexOf('/') + 1);

/** The words after the tool's name, when the command runs it (not `command -v tool`, `which tool`, `for tool in …`). */
function argsOf(command: Command, tool: string): string[] | undefined {
  if (command.words[0] === 'for' || command.words[0] === 'case') return undefined;
  const at = command.words.findIndex((w, i) => base(w) === tool
    && !['-v', '-V', 'which', 'type'].includes(command.words[i - 1] ?? ''));
  return at < 0 ? undefined : command.words.slice(at + 1);
}

const has = (args: string[], ...options: string[]) =>
  args.some((a) => options.some((o) => a === o || (o.startsWith('--') && a.startsWith(`${o}=`))));

/** The value of `--long=value`, `--long value`, `-s value` or `-svalue`. */
function optionValue(args: string[], long: string, short?: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith(`${long}=`)) return a.slice(long.length + 1);
    if (a === long || (short && a === short)) return args[i + 1];
    if (short && a.startsWith(short) && !a.startsWith('--') && a.length > short.length) return a.slice(short.length);
  }
  return undefined;
}

/** `${PGDATA}/` and `$PGDATA` name the same directory (quotes are already gone). */
function normalizePath(dir: string): string {
  return dir.replace(/\$\{(\w+)\}/g, '$$$1').replace(/\/+$/, '');
}

const DECOMPRESSORS = new Set(['gunzip', 'zcat', 'gzip', 'zstd', 'zstdcat', 'xz', 'xzcat', 'unxz', 'bzip2', 'bunzip2', 'bzcat', 'lz4', 'lz4cat', 'openssl', 'gpg', 'age']);
const DATA_DIR = /PGDATA|pgdata|(^|\/)base(\/|$)/;

function dumpWork(command: Command, text: string): Work | undefined {
  const dump = argsOf(command, 'pg_dump');
  if (dump && !has(dump, '--schema-only', '-s', '--help', '--version', '-V')) {
    return { kind: 'dump', rate: 'dump', rule: 'pg_dump of data (not --schema-only)', command: text };
  }
  const all = argsOf(command, 'pg_dumpall');
  if (all && !has(all, '--globals-only', '-g', '--roles-only', '-r', '--tablespaces-only', '-t', '--schema-only', '-s', '--help', '--version')) {
    return { kind: 'dump', rate: 'dump', rule: 'pg_dumpall of every database (not --globals-only)', command: text };
  }
  return undefined;
}

/** Where a command writes its output: `--file=x`, `-f x` or `> x`. */
function outputFile(command: Command, args: string[]): string | undefined {
  const file = optionValue(args, '--file', '-f');
  if (file !== undefined && file !== '-') return file;
  const gt = command.words.indexOf('>');
  if (gt >= 0) return command.words[gt + 1];
  return command.words.find((w) => /^>[^>&]/.test(w))?.slice(1);
}

function restoreWork(command: Command, text: string, dumps: Set<string>): Work | undefined {
  const restore = argsOf(command, 'pg_restore');
  if (restore && has(restore, '--dbname', '-d') && !has(restore, '--list', '-l', '--schema-only', '-s')) {
    return { kind: 'restore', rate: 'restore', rule: 'pg_restore into a database (--dbname)', command: text };
  }
  const psql = argsOf(command, 'psql');
  if (!psql) return undefined;
  const file = optionValue(psql, '--file', '-f');
  const lt = psql.indexOf('<');
  const input = lt >= 0 ? psql[lt + 1] : psql.find((w) => w.startsWith('<') && !w.startsWith('<<'))?.slice(1);
  const source = file !== undefined && file !== '-' ? file : input;
  if (source !== undefined && dumps.has(normalizePath(source))) {
    return { kind: 'restore', rate: 'restore-psql', rule: 'psql replaying a file pg_dump wrote on this page', command: text };
  }
  const upstream = command.pipedFrom;
  const from = upstream?.words.map(base).find((w) => DECOMPRESSORS.has(w));
  if (upstream && (from || dumpWork(upstream, ''))) {
    return { kind: 'restore', rate: 'restore-psql', rule: `psql replaying a dump piped from ${from ?? 'pg_dump'}`, command: text };
  }
  return undefined;
}

function baseBackupWork(command: Command, text: string): Work | undefined {
  for (const tool of ['pg_basebackup', 'pg_combinebackup']) {
    const args = argsOf(command, tool);
    if (args && !has(args, '--help', '--version', '-V')) return { kind: 'base-backup', rate: 'base-backup', rule: tool, command: text };
  }
  const pgbackrest = argsOf(command, 'pgbackrest');
  const action = pgbackrest?.filter((w) => !w.startsWith('-')).at(-1);
  if (action === 'backup' || action === 'restore') {
    return { kind: 'base-backup', rate: 'base-backup', rule: `pgbackrest ${action}`, command: text };
  }
  const cp = argsOf(command, 'cp');
  const recursive = cp?.some((a) => a === '--archive' || a === '--recursive' || /^-[a-zA-Z]*[arR]/.test(a));
  const rsync = argsOf(command, 'rsync');
  const tar = argsOf(command, 'tar');
  // `--create`, `-czf`, or old-style bundled letters first (`xzf`); `-t` only lists.
  const tarCopies = tar !== undefined && (has(tar, '--create', '--extract', '--get')
    || tar.some((a, i) => (/^-[a-zA-Z]*[cx][a-zA-Z]*$/.test(a) || (i === 0 && /^[a-zA-Z]*[cx][a-zA-Z]*$/.test(a)))));
  const copy = (recursive && cp) || rsync || (tarCopies && tar);
  if (copy && copy.some((a) => DATA_DIR.test(a))) {
    const tool = cp && recursive ? 'cp' : rsync ? 'rsync' : 'tar';
    return { kind: 'base-backup', rate: 'base-backup', rule: `${tool} of a data directory or base backup`, command: text };
  }
  return undefined;
}

/**
 * Directories this command prepares for recovery, and the directory it starts,
 * so a later start can be recognised as a recovery.
 */
function recoveryEffects(command: Command): { prepares: string[]; starts?: string } {
  const prepares: string[] = [];
  const touch = argsOf(command, 'touch');
  for (const word of [...(touch ?? []), ...command.words.filter((w, i) => command.words[i - 1] === '>' || command.words[i - 1] === '>>')]) {
    const m = /^(.*)\/recovery\.signal$/.exec(word);
    if (m) prepares.push(normalizePath(m[1]!));
  }
  for (const w of command.words) {
    const m = /^>>?(.*)\/recovery\.signal$/.exec(w);
    if (m) prepares.push(normalizePath(m[1]!));
  }
  const pgbackrest = argsOf(command, 'pgbackrest');
  if (pgbackrest?.filter((w) => !w.startsWith('-')).at(-1) === 'restore') {
    prepares.push(normalizePath(optionValue(pgbackrest, '--pg1-path') ?? '$PGDATA'));
  }
  const pgCtl = argsOf(command, 'pg_ctl');
  if (pgCtl?.includes('start')) {
    return { prepares, starts: normalizePath(optionValue(pgCtl, '--pgdata', '-D') ?? '$PGDATA') };
  }
  return { prepares };
}

/** What earlier steps of the page left for later ones to use. */
export interface PageState {
  /** Directories prepared for recovery and not started since. */
  recovery: Set<string>;
  /** Files a data `pg_dump` wrote. */
  dumps: Set<string>;
}

export const newPageState = (): PageState => ({ recovery: new Set(), dumps: new Set() });

/** The data-sized work of one step, given what earlier steps left (updated in place). */
export function stepWork(step: StepText, state: PageState = newPageState()): Work[] {
  if (step.language !== 'bash') return [];
  const found: Work[] = [];
  const add = (work: Work | undefined) => {
    if (work && !found.some((w) => w.rate === work.rate)) found.push(work);
  };
  for (const command of shellCommands(step.code)) {
    const text = command.words.join(' ');
    const dump = dumpWork(command, text);
    add(dump);
    const written = dump ? outputFile(command, argsOf(command, 'pg_dump') ?? argsOf(command, 'pg_dumpall') ?? []) : undefined;
    if (written !== undefined) state.dumps.add(normalizePath(written));
    add(restoreWork(command, text, state.dumps));
    add(baseBackupWork(command, text));
    const { prepares, starts } = recoveryEffects(command);
    for (const dir of prepares) state.recovery.add(dir);
    if (starts !== undefined && state.recovery.delete(starts)) {
      add({ kind: 'wal-replay', rate: 'wal-replay', rule: 'a server start after recovery.signal: it replays WAL before it opens', command: text });
    }
  }
  return found;
}

/** Every step's work, in page order: a recovery prepared in one step and started in a later one is found. */
export function pageWork(steps: StepText[]): Work[][] {
  const state = newPageState();
  return steps.map((step) => stepWork(step, state));
}
