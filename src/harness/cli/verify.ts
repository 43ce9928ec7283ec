import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Io } from './main.ts';
import { loadRunbooks } from './main.ts';
import { HarnessError } from '../errors.ts';
import type { RunbookResult } from '../model.ts';
import { selectSandboxes, type SandboxKind } from '../sandbox/select.ts';
import { planMatrix, type MatrixEntry } from '../plan/matrix.ts';
import { assignShards } from '../plan/shard.ts';
import { runMatrix } from '../run.ts';
import { formatReport, type Report } from '../report/format.ts';
import { writeReport } from '../report/write.ts';
import { matrixTable, summary } from '../report/console.ts';
import { cacheKey, hashTree } from '../cache/key.ts';
import { ResultCache } from '../cache/store.ts';
import { progressPrinter } from './progress.ts';
import { projectPaths } from './project.ts';

export interface VerifyOptions {
  reportPath: string;
  /** Also write the results as JUnit XML here. */
  junitPath?: string;
  sandbox: SandboxKind;
  majors?: number[];
  binDir?: string;
  keepBackups?: string;
  /** Runs at once, each in its own sandbox (default: number of cores). */
  jobs: number;
  /** Run everything, even what the cache says passed with the same inputs. */
  force: boolean;
  cacheDir?: string;
  shard?: { index: number; count: number };
  /** A previous report whose durations balance the shards (default: the report being replaced). */
  durationsFrom?: string;
}

const entryKey = (e: { runbook: { file: string }; major: number }): string => `${e.runbook.file}@${e.major}`;

/** Durations recorded by the last report, to balance shards. */
function recordedDurations(path: string): Map<string, number> {
  try {
    const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
    return new Map(report.runbooks.map((r) => [`${r.file}@${r.major}`, r.durationMs]));
  } catch {
    return new Map();
  }
}

/**
 * `runbooks verify`: parse everything first (bad input runs nothing), choose
 * the sandbox, plan runbook × version, keep this shard's part, take unchanged
 * passes from the cache, then run the rest `jobs` at a time, each in its own
 * sandbox. SIGINT/SIGTERM stop the current steps, remove the sandboxes and
 * exit 130; a second signal exits at once.
 */
export async function verifyCommand(paths: string[], options: VerifyOptions, io: Io): Promise<number> {
  const runbooks = loadRunbooks(paths, io);
  if (!runbooks) return 2;
  const withSteps = runbooks.filter((r) => r.steps.length > 0);
  if (withSteps.length === 0) throw new HarnessError('NoRunbooks', `No runbooks with steps under ${paths.join(', ') || 'content'}`);

  const project = projectPaths();
  const selection = await selectSandboxes({
    kind: options.sandbox, scriptsDir: project.scripts, path: io.env.PATH ?? '',
    ...(options.majors ? { majors: options.majors } : {}), ...(options.binDir ? { binDir: options.binDir } : {}),
  });
  const majors = [...selection.byMajor.keys()].sort((a, b) => a - b);
  const planned = planMatrix(withSteps, majors);
  let entries: MatrixEntry[] = planned.entries;
  let notApplicable = planned.notApplicable;
  if (options.shard) {
    const durations = recordedDurations(options.durationsFrom ?? options.reportPath);
    const assignment = assignShards(entries.map(entryKey), options.shard.count, (k) => durations.get(k));
    entries = entries.filter((e) => assignment.get(entryKey(e)) === options.shard!.index);
    // Each "n/a" pair is reported by the first shard only, so a merge counts it once.
    if (options.shard.index !== 1) notApplicable = [];
  }

  // The cache: a pass is reused only when nothing that could change it changed.
  const cache = new ResultCache(options.cacheDir ?? join(project.root, '.runbooks-cache'));
  const scripts = hashTree(project.scripts);
  const harness = hashTree(join(project.root, 'src', 'harness'));
  const identities = new Map<number, string>();
  for (const [major, sandbox] of selection.byMajor) identities.set(major, await sandbox.identity());
  const keyOf = (e: MatrixEntry): string => cacheKey({ sourceHash: e.runbook.sourceHash, major: e.major, server: identities.get(e.major)!, scripts, harness });
  const reused = new Map<string, RunbookResult>();
  if (!options.force) {
    for (const entry of entries) {
      const hit = cache.get(keyOf(entry));
      // The stored result carries when it was verified; the runbook object is today's (same text, by the key).
      if (hit?.reused) reused.set(entryKey(entry), { ...hit, runbook: entry.runbook });
    }
  }
  const toRun = entries.filter((e) => !reused.has(entryKey(e)));

  const jobs = Math.max(1, Math.min(options.jobs, toRun.length));
  io.stdout(`runbooks: ${withSteps.length} runbook(s) × PostgreSQL ${majors.join(', ')} = ${planned.entries.length} run(s)`
    + `${options.shard ? `; shard ${options.shard.index}/${options.shard.count}: ${entries.length}` : ''}`
    + `; ${reused.size} reused from the cache${options.force ? ' (--force: none)' : ''}, ${toRun.length} to run, ${jobs} at a time\n`);
  io.stdout(`sandbox: ${selection.kind} (${selection.why}); ${[...selection.byMajor.values()].map((s) => s.description).join('; ')}\n\n`);
  for (const [key, result] of reused) io.stdout(`↺ ${key}: passed, reused from ${result.reused!.verifiedAt} (unchanged runbook, scripts, harness and server)\n`);
  if (reused.size) io.stdout('\n');

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
    const fresh = await runMatrix(toRun.map((e) => ({ ...e, sandbox: selection.byMajor.get(e.major)! })), {
      signal: controller.signal, jobs, onEvent: progressPrinter(io.stdout, io.isTTY, majors.length > 1, jobs > 1),
      ...(options.keepBackups ? { keepBackups: options.keepBackups } : {}),
    });
    for (const result of fresh) {
      const entry = toRun.find((e) => e.runbook === result.runbook && e.major === result.major)!;
      if (!controller.signal.aborted) cache.put(keyOf(entry), { ...result, reused: { verifiedAt: new Date().toISOString() } });
    }
    const byKey = new Map([...reused, ...fresh.map((r) => [entryKey(r), r] as const)]);
    const results = entries.map((e) => byKey.get(entryKey(e))).filter((r): r is RunbookResult => r !== undefined);
    const report = formatReport(results, {
      generatedAt: new Date(), durationMs: performance.now() - started, interrupted: controller.signal.aborted,
      node: process.version, platform: `${process.platform}-${process.arch}`, sandbox: selection.kind, majors, notApplicable,
      ...(options.shard ? { shard: options.shard } : {}),
    });
    writeReport(options.reportPath, report, options.junitPath);
    io.stdout(`${matrixTable(report)}\n${summary(report, relative(io.cwd, options.reportPath))}\n`);
    if (controller.signal.aborted) return 130;
    return report.summary.failed === 0 ? 0 : 1;
  } finally {
    for (const signal of handled) process.off(signal, onSignal);
  }
}
