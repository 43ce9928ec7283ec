import { relative } from 'node:path';
import type { Io } from './main.ts';
import { loadRunbooks } from './main.ts';
import { HarnessError } from '../errors.ts';
import { selectSandboxes, type SandboxKind } from '../sandbox/select.ts';
import { planMatrix } from '../plan/matrix.ts';
import { runMatrix } from '../run.ts';
import { formatReport } from '../report/format.ts';
import { writeReport } from '../report/write.ts';
import { matrixTable, summary } from '../report/console.ts';
import { progressPrinter } from './progress.ts';
import { projectPaths } from './project.ts';

export interface VerifyOptions {
  reportPath: string;
  sandbox: SandboxKind;
  majors?: number[];
  binDir?: string;
  keepBackups?: string;
  /** Runs at once, each in its own sandbox (default: number of cores). */
  jobs: number;
}

/**
 * `runbooks verify`: parse everything first (bad input runs nothing), choose
 * the sandbox, then each runbook × version in its own sandbox. SIGINT/SIGTERM
 * stop the current step, remove the sandbox and exit 130; a second signal
 * exits at once.
 */
export async function verifyCommand(paths: string[], options: VerifyOptions, io: Io): Promise<number> {
  const runbooks = loadRunbooks(paths, io);
  if (!runbooks) return 2;
  const withSteps = runbooks.filter((r) => r.steps.length > 0);
  if (withSteps.length === 0) throw new HarnessError('NoRunbooks', `No runbooks with steps under ${paths.join(', ') || 'content'}`);

  const selection = await selectSandboxes({
    kind: options.sandbox, scriptsDir: projectPaths().scripts, path: io.env.PATH ?? '',
    ...(options.majors ? { majors: options.majors } : {}), ...(options.binDir ? { binDir: options.binDir } : {}),
  });
  const majors = [...selection.byMajor.keys()].sort((a, b) => a - b);
  const { entries, notApplicable } = planMatrix(withSteps, majors);
  const jobs = Math.max(1, Math.min(options.jobs, entries.length));
  io.stdout(`runbooks: ${withSteps.length} runbook(s) × PostgreSQL ${majors.join(', ')} = ${entries.length} run(s), ${jobs} at a time\n`);
  io.stdout(`sandbox: ${selection.kind} (${selection.why}); ${[...selection.byMajor.values()].map((s) => s.description).join('; ')}\n\n`);

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
  const started = performance.now();
  try {
    const results = await runMatrix(entries.map((e) => ({ ...e, sandbox: selection.byMajor.get(e.major)! })), {
      signal: controller.signal, jobs, onEvent: progressPrinter(io.stdout, io.isTTY, majors.length > 1, jobs > 1),
      ...(options.keepBackups ? { keepBackups: options.keepBackups } : {}),
    });
    const report = formatReport(results, {
      generatedAt: new Date(), durationMs: performance.now() - started, interrupted: controller.signal.aborted,
      node: process.version, platform: `${process.platform}-${process.arch}`, sandbox: selection.kind, majors, notApplicable,
    });
    writeReport(options.reportPath, report);
    io.stdout(`${matrixTable(report)}\n${summary(report, relative(io.cwd, options.reportPath))}\n`);
    if (controller.signal.aborted) return 130;
    return report.summary.failed === 0 ? 0 : 1;
  } finally {
    for (const signal of handled) process.off(signal, onSignal);
  }
}
