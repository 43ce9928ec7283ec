import type { Runbook, RunbookResult, StepResult } from './model.ts';
import type { Sandbox, StartedSandbox } from './sandbox/types.ts';
import { planRunbook, type PlannedStep } from './plan/index.ts';
import { serversForRun } from './plan/matrix.ts';
import { executePlan } from './execute/index.ts';
import { HarnessError, catalog } from './errors.ts';

/** Progress of one run (a runbook on one major version); `major` tells parallel runs of one runbook apart. */
export type RunEvent =
  | { type: 'runbook-start'; runbook: Runbook; major: number }
  | { type: 'sandbox-ready'; runbook: Runbook; major: number; sandbox: StartedSandbox; ms: number }
  | { type: 'step-start'; runbook: Runbook; major: number; planned: PlannedStep }
  | { type: 'step-end'; runbook: Runbook; major: number; result: StepResult }
  | { type: 'runbook-end'; major: number; result: RunbookResult };

export interface RunOptions {
  /** The major version the sandbox provides; recorded with the result. */
  major: number;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Copy each run's $BACKUP_DIR to `<keepBackups>/<runbook>/pg<major>/` before the sandbox is removed. */
  keepBackups?: string;
  /** This run's sandbox, already starting (runMatrix starts the next run's while this one's steps run). */
  started?: Promise<StartedSandbox>;
}

/** Starts the sandbox a runbook asks for (extra servers, a small disk). */
export function startSandbox(runbook: Runbook, sandbox: Sandbox, major: number, signal?: AbortSignal): Promise<StartedSandbox> {
  return sandbox.start({
    servers: serversForRun(runbook.settings.servers, major),
    ...(runbook.settings.smallDiskMiB !== undefined ? { smallDiskMiB: runbook.settings.smallDiskMiB } : {}),
    ...(runbook.settings.ownMachines ? { ownMachines: true } : {}),
    ...(signal ? { signal } : {}),
  });
}

/**
 * The one composer: a parsed runbook → a fresh sandbox → its steps in one
 * shell → verdicts. The sandbox is always removed, whatever happened.
 */
export async function runRunbook(runbook: Runbook, sandbox: Sandbox, options: RunOptions): Promise<RunbookResult> {
  const emit = options.onEvent ?? (() => {});
  const started = performance.now();
  const plan = planRunbook(runbook);
  emit({ type: 'runbook-start', runbook, major: options.major });
  const notRun = (): StepResult[] => runbook.steps.map((step) => ({ step, status: 'not-run', failures: [] }));
  let result: RunbookResult;
  let live: StartedSandbox | undefined;
  try {
    live = await (options.started ?? startSandbox(runbook, sandbox, options.major, options.signal));
    emit({ type: 'sandbox-ready', runbook, major: options.major, sandbox: live, ms: performance.now() - started });
    const steps = await executePlan(live, plan, {
      ...(options.signal ? { signal: options.signal } : {}),
      onStepStart: (planned) => emit({ type: 'step-start', runbook, major: options.major, planned }),
      onStepEnd: (stepResult) => emit({ type: 'step-end', runbook, major: options.major, result: stepResult }),
    });
    if (options.keepBackups) await live.copyBackupsOut(backupTarget(options.keepBackups, runbook.file, options.major));
    const passed = steps.every((s) => s.status === 'passed');
    result = {
      runbook, status: passed ? 'passed' : 'failed', sandbox: live.kind, major: options.major, server: live.server,
      extraServers: { ...live.extraServers }, steps,
      durationMs: performance.now() - started,
      ...(options.signal?.aborted ? { error: 'interrupted' } : {}),
    };
  } catch (error) {
    // A server version this sandbox cannot provide is not a failure of the runbook: it is reported, not run.
    const skipped = error instanceof HarnessError && error.code === catalog.Unavailable.code;
    result = {
      runbook, status: skipped ? 'skipped' : 'error', sandbox: sandbox.kind, major: options.major, steps: notRun(), durationMs: performance.now() - started,
      error: error instanceof Error ? error.message : String(error),
      ...(live ? { server: live.server } : {}),
    };
  } finally {
    await live?.stop();
  }
  emit({ type: 'runbook-end', major: options.major, result });
  return result;
}

/**
 * Matrix entries, each in its own sandbox, `jobs` at a time. Results come back
 * in the entries' order whatever order they finish in; after an interrupt no
 * new run starts.
 *
 * Each worker starts its next run's sandbox as soon as the current run's is
 * ready, so that a run's steps begin as soon as the run before ends: the ~0.3 s
 * a sandbox takes to start is spent while steps mostly wait (on docker exec,
 * on servers), not in front of them. A sandbox started for a run that never
 * comes (an interrupt) is stopped like any other.
 */
export async function runMatrix(entries: { runbook: Runbook; sandbox: Sandbox; major: number }[], options: Omit<RunOptions, 'major' | 'started'> & { jobs?: number } = {}): Promise<RunbookResult[]> {
  const results: (RunbookResult | undefined)[] = new Array(entries.length);
  let next = 0;
  const claim = (): number | undefined => (next < entries.length && !options.signal?.aborted ? next++ : undefined);
  const begin = (index: number): Promise<StartedSandbox> => {
    const entry = entries[index]!;
    const started = startSandbox(entry.runbook, entry.sandbox, entry.major, options.signal);
    // Awaited later by runRunbook, which reports a failed start; until then it must not count as unhandled.
    started.catch(() => undefined);
    return started;
  };
  const worker = async (): Promise<void> => {
    let index = claim();
    let started = index === undefined ? undefined : begin(index);
    while (index !== undefined && started !== undefined) {
      const current = index;
      const sandbox = started;
      index = undefined;
      started = undefined;
      // The next run's sandbox starts once this one's is up (not before: two starts at once only compete).
      const prefetch = sandbox.then(() => undefined, () => undefined).then(() => {
        index = claim();
        if (index !== undefined) started = begin(index);
      });
      const entry = entries[current]!;
      results[current] = await runRunbook(entry.runbook, entry.sandbox, { ...options, major: entry.major, started: sandbox });
      await prefetch;
      if (options.signal?.aborted && started !== undefined) {
        await (started as Promise<StartedSandbox>).then((s) => s.stop(), () => undefined);
        started = undefined;
        index = undefined;
      }
    }
  };
  const jobs = Math.max(1, Math.min(options.jobs ?? 1, entries.length));
  await Promise.all(Array.from({ length: jobs }, worker));
  return results.filter((r): r is RunbookResult => r !== undefined);
}

/** `content/backup/plain-sql-dump.md` → `<dir>/backup/plain-sql-dump/pg17`. */
export function backupTarget(dir: string, file: string, major: number): string {
  return `${dir}/${file.replace(/^content\//, '').replace(/\.mdx?$/, '')}/pg${major}`;
}
