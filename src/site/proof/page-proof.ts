/**
 * What the site may claim about one page, given the verification report. Pure.
 *
 * The rule: a block is shown as verified only when the report says that exact
 * text ran. A page is checked three ways: its sha256 equals every run's
 * `sourceHash`; its steps are the report's steps (same order, same line, same
 * text); and every run of it passed. Anything else is a problem the build
 * refuses to publish (proof/check.ts) unless it is a draft, where the page is
 * shown as not verified instead.
 */
import { createHash } from 'node:crypto';
import { isNoServer, type Report, type RunbookReport, type StepReport } from '../../harness/report/format.ts';
import type { StepStatus } from '../../harness/model.ts';
import { readPageBlocks, type PageBlock } from '../page-blocks.ts';

export type PageStatus = 'verified' | 'failed' | 'unverified' | 'no-steps';
export type ProblemKind = 'stale' | 'missing' | 'failed' | 'not-run';

export interface RunSummary {
  major: number;
  status: RunbookReport['status'];
  durationMs: number;
  /** When this run happened: the report's date, or, for a result the harness reused from its cache, the original run's. */
  verifiedAt: string;
  /** true when the harness reused an earlier run of this exact text (same scripts, harness and server). */
  reused: boolean;
  /** `SELECT version()`, when the server started. */
  serverVersion?: string;
  /** Image or binary directory. */
  serverSource?: string;
  error?: string;
  /** Skipped because there was no server for this major where it ran ("no server for 16 here"): not evidence either way. */
  noServer?: true;
}

export interface StepRun {
  major: number;
  status: StepStatus;
  exitCode: number | null;
  durationMs: number | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  failures: { expected: string; actual: string }[];
  /** After a failed server start: the tail of each server log the step used (the report's serverLogs). */
  serverLogs?: { path: string; tail: string }[];
}

export interface StepProof {
  index: number;
  id: string;
  line: number;
  language: 'bash' | 'sql';
  hidden: boolean;
  code: string;
  /** The exact text the shell received (the report's `executed`; for SQL, the psql here-document). */
  executed?: string;
  /** Across versions: every run passed / one failed / none ran / some ran, some did not. */
  status: 'passed' | 'failed' | 'not-run' | 'partial';
  /** One entry per PostgreSQL major, ascending. */
  runs: StepRun[];
  /** The run whose output the page shows: the newest failed one, else the newest that ran. */
  shown?: StepRun;
}

export interface PageProof {
  file: string;
  sourceHash: string;
  status: PageStatus;
  /** Set when the build must not publish the page as it is. */
  problem?: { kind: ProblemKind; message: string };
  /** Runs of this page in the report, ascending by major (only when they match the page). */
  runs: RunSummary[];
  notApplicable: { major: number; reason: string }[];
  /** Steps by index (only when the report matches the page). */
  steps: StepProof[];
  /** The page's own blocks, read from its current source. */
  blocks: PageBlock[];
  generatedAt?: string;
  sandbox?: string;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The report's runs for a page, ascending by PostgreSQL major. */
export function runsOf(report: Report | undefined, file: string): RunbookReport[] {
  return (report?.runbooks ?? []).filter((r) => r.file === file).sort((a, b) => a.major - b.major);
}

/**
 * @param file the page as the harness names it (`content/backup/x.md`)
 * @param source the page's current Markdown, frontmatter included
 */
export function pageProof(report: Report | undefined, file: string, source: string): PageProof {
  const blocks = readPageBlocks(source);
  const hash = sha256(source);
  const stepBlocks = blocks.filter((b) => b.info.kind === 'step');
  const base: PageProof = {
    file, sourceHash: hash, status: 'no-steps', runs: [], steps: [], blocks,
    notApplicable: (report?.notApplicable ?? []).filter((n) => n.file === file).map(({ major, reason }) => ({ major, reason })),
    ...(report ? { generatedAt: report.generatedAt, sandbox: report.sandbox } : {}),
  };
  if (stepBlocks.length === 0) return base;

  const unverified = (kind: ProblemKind, message: string): PageProof =>
    ({ ...base, status: 'unverified', problem: { kind, message } });
  if (!report) return unverified('missing', 'no verification report was found');
  const runs = runsOf(report, file);
  if (runs.length === 0) {
    const na = base.notApplicable.length > 0
      ? ` (it applies to other versions than the report's PostgreSQL ${report.majors.join(', ')}: ${base.notApplicable[0]!.reason})`
      : report.shard ? ` (the report is shard ${report.shard.index} of ${report.shard.count}: merge the shards' reports first)` : '';
    return unverified('missing', `the verification report has no run of this page${na}`);
  }
  const stale = runs.find((r) => r.sourceHash !== hash);
  if (stale) return unverified('stale', `the page changed after it was verified (sha256 ${hash.slice(0, 12)}… ≠ report ${stale.sourceHash.slice(0, 12)}…)`);
  const mismatch = stepMismatch(stepBlocks, runs);
  if (mismatch) return unverified('stale', mismatch);

  const summaries = runs.map((r) => summarize(r, report.generatedAt));
  const steps = stepBlocks.map((block) => stepProof(block, runs));
  const failed = runs.filter((r) => r.status === 'failed' || r.status === 'error');
  if (failed.length > 0) {
    const where = failed.map((r) => `PostgreSQL ${r.major}${failedStep(r)}`).join('; ');
    return { ...base, status: 'failed', runs: summaries, steps, problem: { kind: 'failed', message: `the runbook failed on ${where}` } };
  }
  if (!runs.some((r) => r.status === 'passed')) {
    const why = runs.map((r) => `PostgreSQL ${r.major}: ${r.error ?? r.status}`).join('; ');
    return { ...base, status: 'unverified', runs: summaries, steps, problem: { kind: 'not-run', message: `no version of PostgreSQL ran it (${why})` } };
  }
  return { ...base, status: 'verified', runs: summaries, steps };
}

/** The page's steps must be the report's, one for one: same order, line, text and visibility. */
function stepMismatch(blocks: PageBlock[], runs: RunbookReport[]): string | undefined {
  for (const run of runs) {
    if (run.steps.length !== blocks.length) {
      return `the page has ${blocks.length} steps, the report's run on PostgreSQL ${run.major} has ${run.steps.length}`;
    }
    for (const block of blocks) {
      const step = run.steps[block.stepIndex! - 1]!;
      if (step.code !== block.code || step.line !== block.line || step.hidden !== block.info.hidden) {
        return `step ${block.stepIndex} (line ${block.line}) is not the text the report says ran (report: \`${step.id}\` at line ${step.line})`;
      }
    }
  }
  return undefined;
}

function failedStep(run: RunbookReport): string {
  const step = run.steps.find((s) => s.status === 'failed' || s.status === 'timed-out');
  if (step) return ` at step \`${step.id}\` (line ${step.line})`;
  return run.error ? ` (${run.error})` : '';
}

function summarize(run: RunbookReport, generatedAt: string): RunSummary {
  // Older reports have no `reusedFrom`: every run in them ran when the report was written.
  const reusedFrom = run.reusedFrom ?? null;
  return {
    major: run.major, status: run.status, durationMs: run.durationMs,
    verifiedAt: reusedFrom ?? generatedAt, reused: reusedFrom !== null,
    ...(run.server ? { serverVersion: run.server.version, serverSource: run.server.source } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(isNoServer(run) ? { noServer: true as const } : {}),
  };
}

function stepRun(major: number, step: StepReport): StepRun {
  return {
    major, status: step.status, exitCode: step.exitCode, durationMs: step.durationMs,
    stdout: step.stdout ?? '', stderr: step.stderr ?? '', truncated: step.truncated,
    failures: step.failures.map(({ expected, actual }) => ({ expected, actual })),
    serverLogs: (step.serverLogs ?? []).map(({ path, tail }) => ({ path, tail })),
  };
}

function stepProof(block: PageBlock, runs: RunbookReport[]): StepProof {
  // Skipped runs (a version this sandbox could not provide) ran nothing: they are not evidence either way.
  const stepRuns = runs.filter((r) => r.status !== 'skipped').map((r) => stepRun(r.major, r.steps[block.stepIndex! - 1]!));
  const ran = stepRuns.filter((r) => r.status !== 'not-run');
  const bad = ran.filter((r) => r.status === 'failed' || r.status === 'timed-out');
  const status: StepProof['status'] = bad.length > 0 ? 'failed'
    : ran.length === 0 ? 'not-run'
    : ran.length < stepRuns.length ? 'partial'
    : 'passed';
  const first = runs[0]!.steps[block.stepIndex! - 1]!;
  const shown = bad.at(-1) ?? ran.at(-1);
  return {
    index: block.stepIndex!, id: first.id, line: block.line, language: block.language ?? 'bash',
    hidden: block.info.hidden, code: block.code, status, runs: stepRuns,
    ...(first.executed !== null ? { executed: first.executed } : {}), ...(shown ? { shown } : {}),
  };
}
