/**
 * Which steps restore data, and which prove it. A page that restores and
 * never compares the result would publish "it worked" on the strength of an
 * exit status alone, so the parser asks for a proof after every restore.
 * The rules are textual and deliberately few, so that an author can predict
 * them; content/reference/runbook-format.md states them. Pure.
 */
import type { Step } from '../model.ts';
import { proofScaffolding, type Finding } from './scaffolding.ts';

/**
 * Where a command may start: a line start, after ; & | ( ! { or `then`/`do`/`else`,
 * after VAR=value prefixes and after wrappers that run it (`time pg_restore …`).
 */
const PREFIXES = String.raw`(?:(?:\w+=\S*|time|exec|nohup|nice|command)[ \t]+)*`;
const START = String.raw`(?:^|[;&|(!{]|\b(?:then|do|else)\b)[ \t]*${PREFIXES}`;
/** The rest of one simple command: stops at a line end (unless continued with \), a pipe, ; or &. */
const REST = String.raw`((?:\\\n|\\[^\n]|[^\n\\|;&])*)`;
const command = (names: string) => new RegExp(`${START}(${names})(?![\\w.-])${REST}`, 'gm');

/** A file or directory argument, quotes and all, as one token. */
const ARG = String.raw`("[^"]*"|'[^']*'|[^\s"'|;&<>)]+)`;

/** `"$PGDATA"`, `${PGDATA}` and `$PGDATA` name one place. */
function normalize(token: string): string {
  return token.replace(/^(["'])(.*)\1$/, '$2').replace(/\$\{(\w+)\}/g, '$$$1').replace(/\/+$/, '');
}

function argsOf(rest: string, option: RegExp): string[] {
  return [...rest.matchAll(option)].map((m) => normalize(m[1]!));
}

const FILE_OPTION = new RegExp(String.raw`(?:\s-f[ \t]*|\s--file[= \t][ \t]*|(?<!<)>[ \t]*)${ARG}`, 'g');
const PSQL_INPUT = new RegExp(String.raw`(?:\s-f[ \t]*|\s--file[= \t][ \t]*|(?<!<)<(?!<)[ \t]*)${ARG}`, 'g');
const DATA_DIR_OPTION = new RegExp(String.raw`(?:\s-D[ \t]*|\s--pgdata[= \t][ \t]*)${ARG}`, 'g');
const TAR_TARGET = new RegExp(String.raw`(?:\s-C[ \t]*|\s--directory[= \t][ \t]*)${ARG}`, 'g');
const COMBINE_OUTPUT = new RegExp(String.raw`(?:\s-o[ \t]*|\s--output[= \t][ \t]*)${ARG}`, 'g');
const NOT_FILES = new Set(['-', '/dev/null', '/dev/stdout', '/dev/stderr']);

/** Commands whose output, piped into psql, is a dump being replayed. */
const DUMP_SOURCES = /(?<![\w.-])(?:pg_restore|zcat|gzcat|bzcat|xzcat|zstdcat|lz4cat|gunzip|bunzip2|unxz|unzstd|(?:gzip|bzip2|xz|zstd|lz4)[ \t]+(?:-\w*d\w*|--decompress))(?![\w.-])/;

/** What earlier steps left behind: dump files and data directories filled from a base backup. */
export interface RestoreContext {
  dumps: Set<string>;
  baseBackups: Set<string>;
}

export const newRestoreContext = (): RestoreContext => ({ dumps: new Set(), baseBackups: new Set() });

/**
 * The first place where `code` restores data, if any: pg_restore into a
 * database, psql replaying a dump, a recovery or standby signal file created,
 * `pgbackrest restore`, or a server started on a base backup (a directory
 * that pg_basebackup, pg_combinebackup, tar -x or a cp of one of those made).
 * Records in `context` the dumps and base backups this step makes, for the
 * steps after it.
 */
export function findRestore(code: string, context: RestoreContext): Finding | undefined {
  const found: Finding[] = [];
  const at = (m: RegExpMatchArray, what: string) => found.push({ offset: nameOffset(m), text: m[1]!, what });

  for (const m of code.matchAll(command('pg_restore'))) {
    if (/\s(?:-d|--dbname\b)/.test(m[2]!)) at(m, '`pg_restore` into a database');
  }
  for (const m of code.matchAll(command('psql'))) {
    const input = argsOf(m[2]!, PSQL_INPUT).find((file) => context.dumps.has(file));
    if (input !== undefined) at(m, `\`psql\` replaying the dump ${input}`);
    else if (pipedFromDump(code, m)) at(m, '`psql` replaying a dump piped into it');
  }
  for (const m of code.matchAll(/(?:\btouch\b[^\n;&|]*?|>[ \t]*)\S*?((?:recovery|standby)\.signal)\b/g)) {
    found.push({ offset: m.index! + m[0].lastIndexOf(m[1]!), text: m[1]!, what: `\`${m[1]}\` created (the server will start recovery from a backup)` });
  }
  for (const m of code.matchAll(command('pg_basebackup'))) {
    if (/\s(?:-R\b|--write-recovery-conf\b)/.test(m[2]!)) at(m, '`pg_basebackup -R` (a standby that starts from the backup)');
  }
  for (const m of code.matchAll(command('pgbackrest'))) {
    if (/\srestore\b/.test(m[2]!)) at(m, '`pgbackrest restore`');
  }
  for (const m of code.matchAll(command('pg_ctl'))) {
    if (!/\bstart\b/.test(m[2]!)) continue;
    const dirs = argsOf(m[2]!, DATA_DIR_OPTION);
    const dir = (dirs.length ? dirs : ['$PGDATA']).find((d) => context.baseBackups.has(d));
    if (dir !== undefined) at(m, `\`pg_ctl start\` on the base backup in ${dir}`);
  }
  remember(code, context);
  return found.sort((a, b) => a.offset - b.offset)[0];
}

/** Where the command's name starts, in a match of `command()`. */
const nameOffset = (m: RegExpMatchArray): number => m.index! + m[0].length - m[2]!.length - m[1]!.length;

function remember(code: string, context: RestoreContext): void {
  for (const m of code.matchAll(command('pg_dump|pg_dumpall|pg_restore'))) {
    for (const file of argsOf(m[2]!, FILE_OPTION)) if (!NOT_FILES.has(file)) context.dumps.add(file);
  }
  for (const m of code.matchAll(command('pg_basebackup'))) {
    for (const dir of argsOf(m[2]!, DATA_DIR_OPTION)) context.baseBackups.add(dir);
  }
  for (const m of code.matchAll(command('pg_combinebackup'))) {
    for (const dir of argsOf(m[2]!, COMBINE_OUTPUT)) context.baseBackups.add(dir);
  }
  for (const m of code.matchAll(command('cp'))) {
    const args = [...m[2]!.matchAll(new RegExp(ARG, 'g'))].map((a) => normalize(a[1]!)).filter((a) => !a.startsWith('-'));
    if (args.slice(0, -1).some((source) => context.baseBackups.has(source))) context.baseBackups.add(args.at(-1)!);
  }
  for (const m of code.matchAll(command('tar'))) {
    if (!/(?:^\s+-?|\s-)[a-wyzA-Z]*x[a-zA-Z]*(?=\s|$)|\s--(?:extract|get)\b/.test(m[2]!)) continue;
    for (const dir of argsOf(m[2]!, TAR_TARGET)) context.baseBackups.add(dir);
  }
}

/** psql at the receiving end of a pipe whose sending side decompresses or pg_restores. */
function pipedFromDump(code: string, m: RegExpMatchArray): boolean {
  const before = code.slice(0, nameOffset(m)).replace(new RegExp(`[ \\t]*${PREFIXES}$`), '');
  if (!/(?<!\|)\|\s*$/.test(before)) return false;
  return DUMP_SOURCES.test(sendingSide(before.replace(/\|\s*$/, '')));
}

/** The text of the pipeline's left-hand side: a { … } or ( … ) group, or the logical line. */
function sendingSide(text: string): string {
  const trimmed = text.trimEnd();
  const close = trimmed.at(-1);
  if (close === '}' || close === ')') {
    const open = close === '}' ? '{' : '(';
    let depth = 0;
    for (let i = trimmed.length - 1; i >= 0; i--) {
      if (trimmed[i] === close) depth++;
      else if (trimmed[i] === open && --depth === 0) return trimmed.slice(i);
    }
    return trimmed;
  }
  const lines = trimmed.split('\n');
  let start = lines.length - 1;
  while (start > 0 && lines[start - 1]!.endsWith('\\')) start--;
  return lines.slice(start).join('\n');
}

/** A table of the database read by name: not a catalog (pg_*, information_schema), not a function's rows. */
const READS_TABLE = /\b(?:from|join|table)\s+(?!(?:pg_catalog\.|information_schema\.)?pg_|information_schema\b|only\b|lateral\b|unnest\b|generate_series\b|\(|\$)["\w]/i;

/**
 * A step proves data when it compares it: a fingerprint comparison, `ack-ledger
 * check`, or a query that reads a table (an `sql` step, or a shell step that
 * runs psql) whose answer the page checks: an expected output, `contains=`,
 * `matches=`, or a `role=proof` step (checked by its exit status, as in
 * `test "$(psql …)" = 3`). A query of catalogs or settings checks the
 * server, not the data.
 */
export function provesData(step: Step): boolean {
  if (proofScaffolding(step.code).length > 0 || /(?<![\w-])ack-ledger\s+check\b/.test(step.code)) return true;
  const queries = step.language === 'sql' || command('psql').test(step.code);
  if (!queries || !READS_TABLE.test(step.code)) return false;
  return step.role === 'proof' || step.expectations.some((e) => !e.negate && e.stream !== 'stderr');
}
