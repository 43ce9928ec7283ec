import { join } from 'node:path';
import { HarnessError } from './errors.ts';
import type { Runbook, RunbookResult } from './model.ts';
import { selectSandboxes, type SandboxKind, type Selection } from './sandbox/select.ts';
import type { SandboxSettings } from './sandbox/settings.ts';
import { planMatrix, type MatrixEntry, type NotApplicable } from './plan/matrix.ts';
import { recordedDurations, selectShard } from './plan/select-shard.ts';
import { longestFirst } from './plan/longest-first.ts';
import type { Shard } from './plan/shard.ts';
import { runKey } from './plan/run-key.ts';
import { runMatrix, type RunEvent } from './run.ts';
import { DEFAULT_REPORT_PATH, formatReport, type Report } from './report/format.ts';
import { readReportIfAny } from './report/read.ts';
import { writeReport } from './report/write.ts';
import { cacheKey } from './cache/key.ts';
import { hashTree } from './cache/hash-tree.ts';
import { cacheRecord, decideReuse } from './cache/reuse.ts';
import { ResultCache } from './cache/store.ts';
import { projectPaths } from './files/project.ts';

export interface VerificationOptions {
  sandbox: SandboxKind;
  /** The matrix's major versions (`--pg`); default: what the sandbox has. */
  majors?: number[];
  /** Local PostgreSQL binaries to use (`--pg-bin`). */
  binDir?: string;
  /** What the sandboxes take from the caller's environment (PATH, the Docker engine, RUNBOOKS_*). */
  settings: SandboxSettings;
  /** Runs at once, each in its own sandbox. */
  jobs: number;
  /** Run everything, even what the cache says passed with the same inputs. */
  force: boolean;
  /** Where passes are kept; default `.runbooks-cache/` in the project. */
  cacheDir?: string;
  shard?: Shard;
  /** A previous report whose durations balance the shards. */
  durationsFrom: string;
}

/** What `verify` is about to do, decided before anything runs: what the CLI prints as the run's first lines. */
export interface Verification {
  /** The runbooks that have steps. */
  runbooks: Runbook[];
  selection: Selection;
  /** The matrix's major versions, ascending. */
  majors: number[];
  /** Runs of the whole matrix, before sharding. */
  plannedRuns: number;
  /** This shard's runs (all of them without --shard), in plan order. */
  entries: MatrixEntry[];
  notApplicable: NotApplicable[];
  /** Passes taken from the cache, by `runKey`. */
  reused: Map<string, RunbookResult>;
  toRun: MatrixEntry[];
  /** Runs at once: the asked-for jobs, at most one per run. */
  jobs: number;
  cache: ResultCache;
  cacheKeyOf: (entry: MatrixEntry) => string;
  /** Run durations of the last report (`durationsFrom`, else the project's), by `runKey`: the run order and the time-left estimate. */
  durations: Map<string, number>;
  shard?: Shard;
}

/**
 * I/O first, then pure decisions: choose the sandboxes, plan runbook ×
 * version, keep this shard's part, and take unchanged passes from the cache
 * (a pass is reused only when the runbook, `scripts/`, the harness and the
 * exact server are unchanged).
 * @param source the paths the runbooks came from, for the error when none has steps
 */
export async function prepareVerification(runbooks: Runbook[], source: string, options: VerificationOptions): Promise<Verification> {
  const withSteps = runbooks.filter((r) => r.steps.length > 0);
  if (withSteps.length === 0) throw new HarnessError('NoRunbooks', `No runbooks with steps under ${source}`);
  const project = projectPaths();
  const selection = await selectSandboxes({
    kind: options.sandbox, scriptsDir: project.scripts, settings: options.settings,
    ...(options.majors ? { majors: options.majors } : {}), ...(options.binDir ? { binDir: options.binDir } : {}),
  });
  const majors = [...selection.byMajor.keys()].sort((a, b) => a - b);
  const planned = planMatrix(withSteps, majors);
  const recorded = readReportIfAny(options.durationsFrom);
  const { entries, notApplicable } = options.shard ? selectShard(planned, options.shard, recordedDurations(recorded)) : planned;
  // The order runs start in; without a report of its own, the project's last one is a fair guess.
  const durations = recordedDurations(recorded ?? readReportIfAny(join(project.root, DEFAULT_REPORT_PATH)));

  const cache = new ResultCache(options.cacheDir ?? join(project.root, '.runbooks-cache'));
  const scripts = hashTree(project.scripts);
  const harness = hashTree(join(project.root, 'src', 'harness'));
  const identities = new Map<number, string>();
  for (const [major, sandbox] of selection.byMajor) identities.set(major, await sandbox.identity());
  const cacheKeyOf = (e: MatrixEntry): string => cacheKey({ sourceHash: e.runbook.sourceHash, major: e.major, server: identities.get(e.major)!, scripts, harness });
  const decided = decideReuse(entries, (e) => cache.get(cacheKeyOf(e)), options.force);
  const { reused } = decided;
  const toRun = longestFirst(decided.toRun, durations);
  return {
    runbooks: withSteps, selection, majors, plannedRuns: planned.entries.length, entries, notApplicable, reused, toRun,
    jobs: Math.max(1, Math.min(options.jobs, toRun.length)), cache, cacheKeyOf, durations,
    ...(options.shard ? { shard: options.shard } : {}),
  };
}

export interface RunVerificationOptions {
  signal: AbortSignal;
  onEvent: (event: RunEvent) => void;
  keepBackups?: string;
  reportPath: string;
  junitPath?: string;
}

/**
 * Runs what the cache did not answer, `jobs` at a time, each in its own
 * sandbox; stores the fresh passes (not after an interrupt, whose results are
 * partial); writes the report of reused and fresh runs in plan order.
 */
export async function runVerification(v: Verification, options: RunVerificationOptions): Promise<Report> {
  const started = performance.now();
  const fresh = await runMatrix(v.toRun.map((e) => ({ ...e, sandbox: v.selection.byMajor.get(e.major)! })), {
    signal: options.signal, jobs: v.jobs, onEvent: options.onEvent,
    ...(options.keepBackups ? { keepBackups: options.keepBackups } : {}),
  }).finally(() => Promise.all([...v.selection.byMajor.values()].map((s) => s.close?.())));
  for (const result of fresh) {
    const entry = v.toRun.find((e) => e.runbook === result.runbook && e.major === result.major)!;
    if (!options.signal.aborted) v.cache.put(v.cacheKeyOf(entry), cacheRecord(result, new Date()));
  }
  const byKey = new Map([...v.reused, ...fresh.map((r) => [runKey(r.runbook.file, r.major), r] as const)]);
  const results = v.entries.map((e) => byKey.get(runKey(e.runbook.file, e.major))).filter((r): r is RunbookResult => r !== undefined);
  const report = formatReport(results, {
    generatedAt: new Date(), durationMs: performance.now() - started, interrupted: options.signal.aborted,
    node: process.version, platform: `${process.platform}-${process.arch}`, sandbox: v.selection.kind, majors: v.majors, notApplicable: v.notApplicable,
    ...(v.shard ? { shard: v.shard } : {}),
  });
  writeReport(options.reportPath, report, options.junitPath);
  return report;
}
