/**
 * What an operator step must not contain: the page's own scaffolding (fault
 * injection, the sample data, our answer-key fingerprints) and settings that
 * are safe only in a throwaway sandbox. Readers copy operator steps during
 * incidents, so both are found by the parser rather than by review. Pure.
 */
import type { Position } from '../model.ts';

export interface Finding {
  /** 0-based offset of the match in the step's text. */
  offset: number;
  text: string;
  /** Why it is there, in the diagnostic's words. */
  what: string;
}

/** A word in command position: at a line start or after ; & | ( ! `then` `do` `else`, or after VAR=value prefixes. */
const commandAt = (word: string) =>
  new RegExp(`(?:^|[;&|(!]|\\b(?:then|do|else)\\b)\\s*(?:\\w+=\\S*\\s+)*(${word})(?![\\w-])`, 'gm');

const DRILL: [RegExp, string][] = [
  [commandAt('fault'), 'fault injection'],
  [/\$\{?RUNBOOK_FIXTURES\b/g, 'sample data'],
];
const PROOF: [RegExp, string][] = [
  [/(?<![\w-])(?:pg-fingerprint(?:-diff)?|dir-fingerprint)(?![\w-])/g, 'fingerprint comparison'],  // The pages' own shorthand for "fingerprint this database and compare it with the answer key".
  [commandAt('prove_equal'), 'fingerprint comparison'],
];
const SANDBOX_ONLY: [RegExp, string][] = [
  [/(?<![\w-])--no-sync\b/g, '--no-sync (an OS crash can corrupt the new cluster)'],
  [/\binitdb\b[^\n]*\s-N\b/g, 'initdb -N (--no-sync: an OS crash can corrupt the new cluster)'],
  [/(?:-A\s*|--auth(?:-local|-host)?=)trust\b/g, 'trust authentication (any local user logs in as anyone, without a password)'],
  [/\bfsync\s*=\s*'?(?:off|false|0)\b/gi, 'fsync = off (a crash corrupts the cluster)'],
  [/\bfull_page_writes\s*=\s*'?(?:off|false|0)\b/gi, 'full_page_writes = off (a crash can leave torn pages)'],
];
/** Variables only the sandbox sets: on a reader's machine they are empty, and "$SANDBOX_DIR/restored" becomes "/restored". */
const SANDBOX_VARIABLES: [RegExp, string][] = [
  [/\$\{?SANDBOX_DIR\b\}?/g, 'the sandbox\'s own directory'],
  [/\$\{?SANDBOX_PASSWORD\b\}?/g, 'the password the sandbox generated for this run'],
  [/\$\{?SHARED_DIR\b\}?/g, 'the directory the sandbox\'s machines share, standing in for a copy between machines'],
];

function find(code: string, rules: [RegExp, string][]): Finding[] {
  return rules.flatMap(([pattern, what]) =>
    [...code.matchAll(pattern)].map((m) => {
      const inner = m[1] !== undefined ? m[0].lastIndexOf(m[1]) : 0;
      return { offset: m.index + inner, text: m[1] ?? m[0], what };
    }));
}

export const drillScaffolding = (code: string): Finding[] => find(code, DRILL);
export const proofScaffolding = (code: string): Finding[] => find(code, PROOF);
export const sandboxOnlySettings = (code: string): Finding[] => find(code, SANDBOX_ONLY);
export const sandboxVariables = (code: string): Finding[] => find(code, SANDBOX_VARIABLES);

/**
 * Where an offset of a step's text is in the file: the text starts on the line
 * after the fence, and a fence indented in a list has its lines indented alike.
 */
export function positionInStep(fence: Position, code: string, offset: number): Position {
  const before = code.slice(0, offset).split('\n');
  return { file: fence.file, line: fence.line + before.length, column: before.at(-1)!.length + fence.column };
}
