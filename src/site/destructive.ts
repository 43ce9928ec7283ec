/**
 * Which operator steps cannot be taken back: they drop, delete, overwrite or
 * promote. The downloadable script stops before each and asks; the incident
 * view marks them. Pure, by rule on the step's text, so a new page gets its
 * guards without its author remembering them.
 */
import type { PageBlock } from './page-blocks.ts';

/** A word in command position (line start, after ; & | ( or `then`/`do`, or after VAR=value prefixes). */
const command = (word: string) => new RegExp(`(?:^|[;&|(]|\\b(?:then|do|else|sudo(?:\\s+-u\\s+\\S+)?)\\b)\\s*(?:\\w+=\\S*\\s+)*${word}(?![\\w-])`, 'm');

const RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/\bDROP\s+(DATABASE|TABLE|SCHEMA|ROLE|USER|OWNED|INDEX|VIEW|MATERIALIZED\s+VIEW|EXTENSION|SEQUENCE|FUNCTION|TABLESPACE|PUBLICATION|SUBSCRIPTION)\b/i,
    (m) => `DROP ${m[1]!.toUpperCase().replace(/\s+/g, ' ')}`],
  [/\bTRUNCATE\b/i, () => 'TRUNCATE'],
  [/\bDELETE\s+FROM\b/i, () => 'DELETE FROM'],
  [command('dropdb'), () => 'dropdb'],
  [command('dropuser'), () => 'dropuser'],
  // Up to the end of pg_restore's own arguments; `-c` alone or among its flag-only options (`-1cv`), not `-Fc`.
  [/\bpg_restore\b[^\n|;&]*(?:--clean\b|\s-[aCceOsvxwW1]*c[aCeOsvxwW1]*(?=\s|$))/, () => 'pg_restore --clean (drops each object before restoring it)'],
  [command('rm'), () => 'rm (deletes files)'],
  [/\bpg_ctl\b[^\n]*\bpromote\b|\bpg_promote\s*\(|\bpatronictl\b[^\n]*\b(?:failover|switchover)\b/, () => 'a promotion (a standby becomes a primary: its timeline forks)'],
  [command('pg_resetwal'), () => 'pg_resetwal'],
];

/** The step's text without comment lines: a `# rm -rf` note is not an action. */
function withoutComments(text: string, language: 'bash' | 'sql'): string {
  const marker = language === 'sql' ? /^\s*--/ : /^\s*#/;
  // Continued lines are one command: `pg_restore \\\n  --clean` must read as one line.
  return text.split('\n').filter((line) => !marker.test(line)).join('\n').replace(/\\\n/g, ' ');
}

/** What the step destroys or changes for good, in a few words, or undefined when it is safe to repeat. */
export function destructiveAction(block: PageBlock): string | undefined {
  const text = withoutComments(block.code, block.language ?? 'bash');
  const found = new Set<string>();
  for (const [pattern, name] of RULES) {
    const m = pattern.exec(text);
    if (m) found.add(name(m));
  }
  return found.size > 0 ? [...found].join(', ') : undefined;
}
