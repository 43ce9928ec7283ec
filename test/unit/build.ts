/**
 * Small, valid values of the harness's types for unit tests: every field has
 * a plain default, a test names only what it is about.
 */
import type { OutputExpectation, Position, Runbook, RunbookResult, Step, StepOutcome, StepResult } from '../../src/harness/model.ts';

export const at = (line: number, column = 1, file = 'content/x.md'): Position => ({ file, line, column });

export function makeStep(overrides: Partial<Step> = {}): Step {
  return {
    id: 'dump', explicitId: true, index: 1, position: at(10), language: 'bash', lang: 'bash',
    code: 'pg_dump appdb >"$BACKUP_DIR/appdb.sql"', meta: 'run id=dump', hidden: false, role: 'operator',
    exit: { kind: 'codes', codes: [0] }, timeoutMs: 120_000, expectations: [],
    ...overrides,
  };
}

export function expectation(mode: OutputExpectation['mode'], text: string, overrides: Partial<OutputExpectation> = {}): OutputExpectation {
  return { stream: 'stdout', mode, text, negate: false, position: at(12), shown: false, ...overrides };
}

export function makeOutcome(overrides: Partial<StepOutcome> = {}): StepOutcome {
  return { exitCode: 0, stdout: '', stderr: '', durationMs: 1234, timedOut: false, sessionEnded: false, truncated: false, ...overrides };
}

export function makeRunbook(file: string, overrides: Partial<Runbook> = {}): Runbook {
  return {
    file, title: file.replace(/^.*\/|\.md$/g, ''), settings: { timeoutMs: 120_000, versions: {}, servers: [] },
    steps: [makeStep({ position: at(10, 1, file) })], unverified: [], sourceHash: 'a'.repeat(64),
    ...overrides,
  };
}

/** A run of `runbook` on `major`: every step passed unless `status` says otherwise. */
export function makeResult(runbook: Runbook, major: number, status: RunbookResult['status'] = 'passed', durationMs = 1000): RunbookResult {
  const steps: StepResult[] = runbook.steps.map((step) => ({
    step,
    status: status === 'passed' ? 'passed' : 'failed',
    outcome: makeOutcome({ exitCode: status === 'passed' ? 0 : 1 }),
    failures: status === 'passed' ? [] : [{ expected: 'exit status 0', actual: 'exit status 1', position: step.position }],
    executed: step.code,
  }));
  return { runbook, status, sandbox: 'local', major, steps, durationMs };
}
