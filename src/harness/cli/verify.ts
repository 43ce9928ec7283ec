import { relative } from 'node:path';
import type { Io } from './io.ts';
import { loadRunbooks } from './load-runbooks.ts';
import { prepareVerification, runVerification, type Verification, type VerificationOptions } from '../verification.ts';
import { matrixTable, summary } from '../report/console.ts';
import { progressPrinter } from './progress.ts';
import { sandboxSettings, type SandboxSettings } from '../sandbox/settings.ts';
import { chooseReaper } from '../sandbox/ryuk.ts';
import { projectPaths } from '../files/project.ts';
import { ProgressEstimator } from '../report/progress.ts';
import { runKey } from '../plan/run-key.ts';

/** `verify`'s options as parsed from the command line: the verification's, and where its results go. */
export interface VerifyOptions extends Omit<VerificationOptions, 'settings' | 'durationsFrom'> {
  reportPath: string;
  /** Also write the results as JUnit XML here. */
  junitPath?: string;
  /** Copy each run's $BACKUP_DIR out here before its sandbox is removed. */
  keepBackups?: string;
  /** A previous report whose durations balance the shards (default: the report being replaced). */
  durationsFrom?: string;
}

/** The run's first lines: what will run, where, who removes the containers, and what the cache answered. */
async function printPlan(v: Verification, force: boolean, settings: SandboxSettings, io: Io): Promise<void> {
  io.stdout(`runbooks: ${v.runbooks.length} runbook(s) × PostgreSQL ${v.majors.join(', ')} = ${v.plannedRuns} run(s)`
    + `${v.shard ? `; shard ${v.shard.index}/${v.shard.count}: ${v.entries.length}` : ''}`
    + `; ${v.reused.size} reused from the cache${force ? ' (--force: none)' : ''}, ${v.toRun.length} to run, ${v.jobs} at a time\n`);
  io.stdout(`sandbox: ${v.selection.kind} (${v.selection.why}); ${[...v.selection.byMajor.values()].map((s) => s.description).join('; ')}\n`);
  // Decided once per process (ryuk.ts): the same choice the container sandboxes act on.
  if (v.selection.kind === 'docker') io.stdout(`${(await chooseReaper(settings, projectPaths().scripts)).line}\n`);
  io.stdout('\n');
  for (const [key, result] of v.reused) io.stdout(`↺ ${key}: passed, reused from ${result.reused!.verifiedAt} (unchanged runbook, scripts, harness and server)\n`);
  if (v.reused.size) io.stdout('\n');
}

/**
 * Counts runs and estimates the time left, for a terminal's status line: from
 * the durations of the last report (--durations, else the report being
 * replaced, else the project's default report), when there is one.
 */
function estimator(v: Verification): ProgressEstimator {
  return new ProgressEstimator(v.toRun.map((e) => runKey(e.runbook.file, e.major)), v.durations, v.jobs);
}

/**
 * `runbooks verify`: parse everything first (bad input runs nothing), print
 * the plan, run it (src/harness/verification.ts), print the matrix and the
 * totals. SIGINT/SIGTERM stop the current steps, remove the sandboxes and
 * exit 130; a second signal exits at once.
 */
export async function verifyCommand(paths: string[], options: VerifyOptions, io: Io): Promise<number> {
  const runbooks = loadRunbooks(paths, io);
  if (!runbooks) return 2;
  const settings = sandboxSettings(io.env);
  const durationsFrom = options.durationsFrom ?? options.reportPath;
  const verification = await prepareVerification(runbooks, paths.join(', ') || 'content', { ...options, settings, durationsFrom });
  await printPlan(verification, options.force, settings, io);

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) process.exit(130);
    io.stderr(`\nrunbooks: ${signal} received: stopping the current step and removing the sandbox…\n`);
    controller.abort();
  };
  const handled = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of handled) process.on(signal, onSignal);
  try {
    const report = await runVerification(verification, {
      signal: controller.signal, reportPath: options.reportPath,
      onEvent: progressPrinter(io.stdout, io.isTTY, verification.majors.length > 1, verification.jobs > 1,
        io.isTTY ? estimator(verification) : undefined),
      ...(options.junitPath ? { junitPath: options.junitPath } : {}),
      ...(options.keepBackups ? { keepBackups: options.keepBackups } : {}),
    });
    io.stdout(`${matrixTable(report)}\n${summary(report, relative(io.cwd, options.reportPath))}\n`);
    if (controller.signal.aborted) return 130;
    return report.summary.failed === 0 ? 0 : 1;
  } finally {
    for (const signal of handled) process.off(signal, onSignal);
  }
}
