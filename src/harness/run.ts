import type { Runbook, RunbookResult, StepResult } from './model.ts';
import type { Sandbox, StartedSandbox } from './sandbox/types.ts';
import { planRunbook, type PlannedStep } from './plan/index.ts';
import { executePlan } from './execute/index.ts';

export type RunEvent =
  | { type: 'runbook-start'; runbook: Runbook }
  | { type: 'sandbox-ready'; runbook: Runbook; sandbox: StartedSandbox; ms: number }
  | { type: 'step-start'; runbook: Runbook; planned: PlannedStep }
  | { type: 'step-end'; runbook: Runbook; result: StepResult }
  | { type: 'runbook-end'; result: RunbookResult };

export interface RunOptions {
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

/**
 * The one composer: a parsed runbook → a fresh sandbox → its steps in one
 * shell → verdicts. The sandbox is always removed, whatever happened.
 */
export async function runRunbook(runbook: Runbook, sandbox: Sandbox, options: RunOptions = {}): Promise<RunbookResult> {
  const emit = options.onEvent ?? (() => {});
  const started = performance.now();
  const plan = planRunbook(runbook);
  emit({ type: 'runbook-start', runbook });
  const notRun = (): StepResult[] => runbook.steps.map((step) => ({ step, status: 'not-run', failures: [] }));
  let result: RunbookResult;
  let live: StartedSandbox | undefined;
  try {
    live = await sandbox.start({ ...(options.signal ? { signal: options.signal } : {}) });
    emit({ type: 'sandbox-ready', runbook, sandbox: live, ms: performance.now() - started });
    const steps = await executePlan(live, plan, {
      ...(options.signal ? { signal: options.signal } : {}),
      onStepStart: (planned) => emit({ type: 'step-start', runbook, planned }),
      onStepEnd: (stepResult) => emit({ type: 'step-end', runbook, result: stepResult }),
    });
    const passed = steps.every((s) => s.status === 'passed');
    result = {
      runbook, status: passed ? 'passed' : 'failed', sandbox: live.kind, server: live.server, steps,
      durationMs: performance.now() - started,
      ...(options.signal?.aborted ? { error: 'interrupted' } : {}),
    };
  } catch (error) {
    result = {
      runbook, status: 'error', sandbox: sandbox.kind, steps: notRun(), durationMs: performance.now() - started,
      error: error instanceof Error ? error.message : String(error),
      ...(live ? { server: live.server } : {}),
    };
  } finally {
    await live?.stop();
  }
  emit({ type: 'runbook-end', result });
  return result;
}

/** Runbooks one after another (each in its own sandbox); stops early only when interrupted. */
export async function runRunbooks(runbooks: Runbook[], sandbox: Sandbox, options: RunOptions = {}): Promise<RunbookResult[]> {
  const results: RunbookResult[] = [];
  for (const runbook of runbooks) {
    if (options.signal?.aborted) break;
    results.push(await runRunbook(runbook, sandbox, options));
  }
  return results;
}
