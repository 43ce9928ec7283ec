import type { StepOutcome, StepResult } from '../model.ts';
import type { Plan, PlannedStep } from '../plan/index.ts';
import type { StartedSandbox } from '../sandbox/types.ts';
import { verifyStep } from '../verify/index.ts';
import { ShellSession } from './session.ts';
import { placeholderPaths } from './placeholders.ts';
import { scrubSecrets } from '../report/scrub.ts';

export interface ExecuteHooks {
  signal?: AbortSignal;
  onStepStart?: (planned: PlannedStep) => void;
  onStepEnd?: (result: StepResult) => void;
}

/**
 * Runs a plan's steps in order in one shell session of the sandbox. The first
 * step that fails (or times out) ends the run; the rest are reported `not-run`,
 * as an operator would stop at the first surprise.
 */
export async function executePlan(sandbox: StartedSandbox, plan: Plan, hooks: ExecuteHooks = {}): Promise<StepResult[]> {
  const results: StepResult[] = [];
  const session = await ShellSession.open(sandbox.shell());
  const placeholders = placeholderPaths(sandbox.stepEnv);
  const secrets = [sandbox.stepEnv.SANDBOX_PASSWORD ?? ''];
  let stopped = false;
  try {
    for (const planned of plan.steps) {
      if (stopped || hooks.signal?.aborted) {
        results.push({ step: planned.step, status: 'not-run', failures: [] });
        continue;
      }
      hooks.onStepStart?.(planned);
      const raw = await session.run(planned.script, planned.step.timeoutMs, hooks.signal);
      // What is verified is what is shown: paths as variables, credentials masked.
      const shown = (text: string): string => scrubSecrets(placeholders(text), secrets);
      const outcome: StepOutcome = { ...raw, stdout: shown(raw.stdout), stderr: shown(raw.stderr) };
      if (raw.timedOut) await sandbox.killAll();
      const failures = hooks.signal?.aborted
        ? [{ expected: 'to finish', actual: 'interrupted (SIGINT/SIGTERM)', position: planned.step.position }]
        : verifyStep(planned.step, outcome);
      const status = raw.timedOut ? 'timed-out' : failures.length > 0 ? 'failed' : 'passed';
      const result: StepResult = { step: planned.step, status, outcome, failures, executed: planned.script };
      results.push(result);
      hooks.onStepEnd?.(result);
      if (status !== 'passed' || !session.alive) stopped = true;
    }
  } finally {
    await session.close();
  }
  return results;
}
