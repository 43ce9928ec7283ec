import type { StepOutcome, StepResult } from '../model.ts';
import type { Plan, PlannedStep } from '../plan/index.ts';
import type { StartedSandbox } from '../sandbox/types.ts';
import { verifyStep } from '../verify/index.ts';
import { ShellSession } from './session.ts';
import { placeholderPaths } from './placeholders.ts';
import { scrubSecrets } from '../report/scrub.ts';
import { readServerLogs, startsServer, type SandboxCommand, type ServerLogTail } from './server-log.ts';

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
  // One shell per machine a step runs on (`server=`), each opened when its first step comes, kept to the end:
  // what a step exports stays for the next step on the same machine, as in an operator's terminals.
  const sessions = new Map<string, ShellSession>([['primary', await ShellSession.open(sandbox.shell())]]);
  const sessionFor = async (server = 'primary'): Promise<ShellSession> => {
    let found = sessions.get(server);
    if (!found) sessions.set(server, found = await ShellSession.open(sandbox.shell(server)));
    return found;
  };
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
      const session = await sessionFor(planned.step.server);
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
      if (status !== 'passed' && !hooks.signal?.aborted && startsServer(planned.step, outcome)) {
        const logs = await serverLogs(sandbox, session, planned.step.server, planned.step.code, shown);
        if (logs.length > 0) result.serverLogs = logs;
      }
      results.push(result);
      hooks.onStepEnd?.(result);
      if (status !== 'passed' || !session.alive) stopped = true;
    }
  } finally {
    await Promise.all([...sessions.values()].map((session) => session.close()));
  }
  return results;
}

/**
 * The failed step's server logs, read in its own session when it is still
 * alive (variables an earlier step set may name the log), else in a new one.
 * Never throws: the logs explain a failure, they must not replace it.
 */
async function serverLogs(sandbox: StartedSandbox, session: ShellSession, server: string | undefined, code: string, shown: (text: string) => string): Promise<ServerLogTail[]> {
  let own: ShellSession | undefined;
  try {
    const shell = session.alive ? session : (own = await ShellSession.open(sandbox.shell(server)));
    const run: SandboxCommand = async (script) => {
      const outcome = await shell.run(script, 10_000);
      return outcome.exitCode === 0 ? outcome.stdout : undefined;
    };
    return await readServerLogs(code, run, shown);
  } catch {
    return [];
  } finally {
    await own?.close();
  }
}
