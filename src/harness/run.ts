import type { Runbook, RunbookResult, StepResult } from './model.ts';
import type { Sandbox, StartedSandbox } from './sandbox/types.ts';
import { planRunbook, type PlannedStep } from './plan/index.ts';
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
    live = await sandbox.start({
      servers: runbook.settings.servers,
      ...(runbook.settings.smallDiskMiB !== undefined ? { smallDiskMiB: runbook.settings.smallDiskMiB } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
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
 */
export async function runMatrix(entries: { runbook: Runbook; sandbox: Sandbox; major: number }[], options: Omit<RunOptions, 'major'> & { jobs?: number } = {}): Promise<RunbookResult[]> {
  const results: (RunbookResult | undefined)[] = new Array(entries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length && !options.signal?.aborted) {
      const index = next++;
      const entry = entries[index]!;
      results[index] = await runRunbook(entry.runbook, entry.sandbox, { ...options, major: entry.major });
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
