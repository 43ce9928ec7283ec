import type { ExitExpectation, Failure, OutputExpectation, Step, StepOutcome } from '../model.ts';
import { formatDuration } from '../text/index.ts';
import { hasMaskedTable, withoutTablePadding } from './table-padding.ts';

/** Trailing spaces and trailing blank lines never matter to a reader; `\r` neither. */
export function normalizeOutput(text: string): string {
  return text.replace(/\r\n?/g, '\n').split('\n').map((line) => line.trimEnd()).join('\n').replace(/\n+$/, '');
}

export function describeExit(exit: ExitExpectation): string {
  if (exit.kind === 'any') return 'any exit status';
  if (exit.kind === 'nonzero') return 'a non-zero exit status';
  return exit.codes.length === 1 ? `exit status ${exit.codes[0]}` : `exit status ${exit.codes.join(' or ')}`;
}

function exitMatches(exit: ExitExpectation, code: number): boolean {
  if (exit.kind === 'any') return true;
  if (exit.kind === 'nonzero') return code !== 0;
  return exit.codes.includes(code);
}

function textOf(outcome: StepOutcome, expectation: OutputExpectation): string {
  if (expectation.stream === 'stdout') return outcome.stdout;
  if (expectation.stream === 'stderr') return outcome.stderr;
  return `${outcome.stdout}${outcome.stderr}`;
}

/** Ordered subsequence: every expected line appears, in order; other lines may come between. */
function containsLines(actual: string, expected: string): boolean {
  const have = actual.split('\n');
  let i = 0;
  for (const line of expected.split('\n')) {
    while (i < have.length && have[i] !== line) i++;
    if (i === have.length) return false;
    i++;
  }
  return true;
}

function compare(mode: OutputExpectation['mode'], have: string, want: string): boolean {
  switch (mode) {
    case 'exact': return have === want;
    case 'contains': return have.includes(want);
    case 'lines': return containsLines(have, want);
    case 'regex': return new RegExp(want, 'm').test(have);
  }
}

function matches(expectation: OutputExpectation, actual: string): boolean {
  if (expectation.mode === 'regex') return compare('regex', actual, expectation.text);
  const have = normalizeOutput(actual);
  const want = normalizeOutput(expectation.text);
  if (compare(expectation.mode, have, want)) return true;
  // A regex is the author's own tolerance; any other block may be an aligned table whose padding came from a real path.
  return hasMaskedTable(have) && compare(expectation.mode, withoutTablePadding(have), withoutTablePadding(want));
}

function describeExpectation(e: OutputExpectation): string {
  const verb = { exact: 'to be exactly', contains: 'to contain', lines: 'to contain these lines in order', regex: 'to match' }[e.mode];
  const text = e.mode === 'regex' ? `/${e.text}/` : JSON.stringify(normalizeOutput(e.text));
  return `${e.stream} ${e.negate ? `not ${verb}` : verb} ${text}`;
}

/** Compares what a step did with what its block says it does. Pure. */
export function verifyStep(step: Step, outcome: StepOutcome): Failure[] {
  const where = step.position;
  if (outcome.timedOut) {
    return [{ expected: `to finish within ${formatDuration(step.timeoutMs)}`, actual: `killed after ${formatDuration(outcome.durationMs)} with its whole process tree`, position: where }];
  }
  if (outcome.sessionEnded) {
    return [{ expected: describeExit(step.exit), actual: `the shell session ended (exit status ${outcome.exitCode ?? 'unknown'}): the step ran \`exit\`, or \`set -e\` stopped the shell`, position: where }];
  }
  const failures: Failure[] = [];
  if (outcome.exitCode === null || !exitMatches(step.exit, outcome.exitCode)) {
    failures.push({ expected: describeExit(step.exit), actual: `exit status ${outcome.exitCode ?? 'unknown'}`, position: where });
  }
  const failed = outcome.firstFailure;
  if (step.role === 'operator' && step.exit.kind === 'codes' && step.exit.codes.join() === '0' && outcome.exitCode === 0 && failed) {
    // The page's script runs with set -e: it would stop where this step carried on.
    failures.push({
      expected: 'every command to succeed (a failure the step carries past would stop the downloadable script, which runs with set -e)',
      actual: `\`${failed.command}\` exited ${failed.status} and the step went on; end it with \`|| true\` if that is intended, or make the step role=proof`,
      position: where,
    });
  }
  for (const expectation of step.expectations) {
    const actual = textOf(outcome, expectation);
    if (matches(expectation, actual) === expectation.negate) {
      const lines = normalizeOutput(actual).split('\n').length;
      const actualText = normalizeOutput(actual) ? `${expectation.stream} ${expectation.negate ? 'matched' : 'differs'} (${lines} line${lines === 1 ? '' : 's'}, shown below)` : `${expectation.stream} was empty`;
      failures.push({ expected: describeExpectation(expectation), actual: actualText, position: expectation.position });
    }
  }
  return failures;
}
