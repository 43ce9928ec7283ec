/**
 * When a step that starts a server fails, `pg_ctl` says only "Examine the log
 * output." The reason (a bad setting, a port in use, a missing WAL file) is in
 * the server's log, inside the sandbox that is removed when the run ends. So
 * the harness reads the log's tail right away, before the sandbox goes: any
 * log the failing command named with `-l`/`--log`, and the sandbox's
 * `$SERVER_LOG`, each once.
 */
import type { ServerLogTail, Step, StepOutcome } from '../model.ts';

export type { ServerLogTail } from '../model.ts';

export const LOG_TAIL_LINES = 20;

const STARTS_SERVER = /\bpg_ctl(?:cluster)?\b[^\n]*\b(?:start|restart)\b/;
/** pg_ctl's own words when the server it started did not come up. */
const START_FAILED = /Examine the log output|could not start server|server did not start in time/;
/** `-l FILE`, `-lFILE`, `--log=FILE`, `--log FILE` on a pg_ctl line. */
const LOG_OPTION = /(?:^|\s)(?:-l\s*|--log[=\s]\s*)("[^"\n]*"|'[^'\n]*'|[^\s;&|<>()]+)/g;
/**
 * A log argument is expanded again in the session, so only plain words are:
 * paths and `$VAR`/`${VAR}`, no command substitution, globs or other
 * expansions that could run something or mean something else the second time.
 */
const PLAIN_WORD = /^(?:"(?:[\w./~:@%+,=-]|\$\{?[A-Za-z_]\w*\}?)+"|'[^']+'|(?:[\w./~:@%+,=-]|\$\{?[A-Za-z_]\w*\}?)+)$/;

/** Whether a failed step is one whose failure the server log explains. */
export function startsServer(step: Step, outcome: StepOutcome | undefined): boolean {
  return STARTS_SERVER.test(step.code) || START_FAILED.test(outcome?.stderr ?? '') || START_FAILED.test(outcome?.stdout ?? '');
}

/** The `-l`/`--log` arguments of the step's pg_ctl commands, as written, that are safe to expand again. */
export function namedLogs(code: string): string[] {
  const words: string[] = [];
  for (const line of code.split('\n')) {
    if (!/\bpg_ctl(?:cluster)?\b/.test(line)) continue;
    for (const match of line.matchAll(LOG_OPTION)) {
      const word = match[1]!;
      if (PLAIN_WORD.test(word) && !words.includes(word)) words.push(word);
    }
  }
  return words;
}

/** How a written word reads to a person: its quotes dropped. */
function label(word: string): string {
  return /^(["']).*\1$/.test(word) ? word.slice(1, -1) : word;
}

/** Runs one command in the sandbox's shell; resolves to its stdout, or undefined when it failed. */
export type SandboxCommand = (script: string) => Promise<string | undefined>;

/**
 * Reads the tails, each log once (the step's `-l "$SERVER_LOG"` is the same
 * file as the sandbox's own). Missing or unreadable logs are left out.
 */
export async function readServerLogs(code: string, run: SandboxCommand, shown: (text: string) => string): Promise<ServerLogTail[]> {
  const tails: ServerLogTail[] = [];
  const seen = new Set<string>();
  // The command's own log first: it is the one pg_ctl's "Examine the log output" means.
  for (const word of [...namedLogs(code), '"$SERVER_LOG"']) {
    const resolved = await run(`realpath -e -- ${word}`);
    if (resolved === undefined || seen.has(resolved.trim())) continue;
    seen.add(resolved.trim());
    const tail = await run(`tail -n ${LOG_TAIL_LINES} -- ${word}`);
    if (tail === undefined || tail.trim() === '') continue;
    tails.push({ path: label(word), tail: shown(tail.replace(/\n+$/, '')) });
  }
  return tails;
}
