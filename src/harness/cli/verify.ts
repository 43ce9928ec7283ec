import { relative } from 'node:path';
import type { Io } from './main.ts';
import { loadRunbooks } from './main.ts';
import { HarnessError } from '../errors.ts';
import { findPostgres } from '../sandbox/postgres-binaries.ts';
import { LocalClusterSandbox } from '../sandbox/local-cluster.ts';
import { runRunbooks } from '../run.ts';
import { formatReport } from '../report/format.ts';
import { writeReport } from '../report/write.ts';
import { summary } from '../report/console.ts';
import { progressPrinter } from './progress.ts';
import { projectPaths } from './project.ts';

export interface VerifyOptions {
  reportPath: string;
  binDir?: string;
  major?: number;
}

/**
 * `runbooks verify`: parse everything first (bad input runs nothing), then each
 * runbook in its own sandbox. SIGINT/SIGTERM stop the current step, remove the
 * sandbox and exit 130; a second signal exits at once.
 */
export async function verifyCommand(paths: string[], options: VerifyOptions, io: Io): Promise<number> {
  const runbooks = loadRunbooks(paths, io);
  if (!runbooks) return 2;
  const withSteps = runbooks.filter((r) => r.steps.length > 0);
  if (withSteps.length === 0) throw new HarnessError('NoRunbooks', `No runbooks with steps under ${paths.join(', ') || 'content'}`);

  const install = await findPostgres({
    ...(options.binDir ? { binDir: options.binDir } : {}), ...(options.major !== undefined ? { major: options.major } : {}),
    path: io.env.PATH ?? '',
  });
  const sandbox = new LocalClusterSandbox({ install, scriptsDir: projectPaths().scripts });
  io.stdout(`runbooks: ${withSteps.length} runbook(s), ${withSteps.reduce((n, r) => n + r.steps.length, 0)} step(s); sandbox: ${sandbox.description}\n\n`);

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) process.exit(130);
    io.stderr(`\nrunbooks: ${signal} received: stopping the current step and removing the sandbox…\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const started = performance.now();
  try {
    const results = await runRunbooks(withSteps, sandbox, { signal: controller.signal, onEvent: progressPrinter(io.stdout, io.isTTY) });
    const report = formatReport(results, {
      generatedAt: new Date(), durationMs: performance.now() - started, interrupted: controller.signal.aborted,
      node: process.version, platform: `${process.platform}-${process.arch}`,
    });
    writeReport(options.reportPath, report);
    io.stdout(`${summary(report, relative(io.cwd, options.reportPath))}\n`);
    if (controller.signal.aborted) return 130;
    return report.summary.failed === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
