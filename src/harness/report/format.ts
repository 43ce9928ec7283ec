import type { Failure, RunbookResult, StepResult } from '../model.ts';
import type { NotApplicable } from '../plan/matrix.ts';
import type { Shard } from '../plan/shard.ts';
import { maskVolatile } from './volatile.ts';
import type { ServerLogTail } from '../execute/server-log.ts';
import { NO_SERVER_KIND } from '../sandbox/no-server.ts';

/**
 * The report's format version: the site refuses a report of another. It
 * changes when a reader of the old format would misread the new one (a field
 * removed, renamed or given another meaning); a new optional field, which old
 * readers ignore and new readers treat as absent in old reports, keeps it.
 */
export const REPORT_VERSION = 1;

/** Where `verify` and `merge` write the report and the site reads it, relative to the project, unless told otherwise. */
export const DEFAULT_REPORT_PATH = 'reports/verification.json';

export interface StepReport {
  id: string;
  index: number;
  line: number;
  column: number;
  language: string;
  hidden: boolean;
  /** The block's text as shown on the page. */
  code: string;
  /** The exact text the shell received. */
  executed: string | null;
  status: StepResult['status'];
  exitCode: number | null;
  durationMs: number | null;
  stdout: string | null;
  stderr: string | null;
  truncated: boolean;
  failures: (Omit<Failure, 'position'> & { line: number; column: number })[];
  /**
   * Only on a failed step that starts a server: the last lines of each server
   * log it used (`$SERVER_LOG`, a `pg_ctl -l` file), where pg_ctl's "Examine
   * the log output" points. Optional: absent in reports written before it.
   */
  serverLogs?: ServerLogTail[];
}

export interface RunbookReport {
  file: string;
  title: string;
  sourceHash: string;
  status: RunbookResult['status'];
  error: string | null;
  sandbox: string;
  /** The PostgreSQL major version of this run of the matrix. */
  major: number;
  /** `SELECT version()` and where the server came from (binary directory or image reference). */
  server: RunbookResult['server'] | null;
  extraServers: NonNullable<RunbookResult['extraServers']>;
  /** Set when the result was taken from the cache instead of running again: when it was verified. */
  reusedFrom: string | null;
  durationMs: number;
  steps: StepReport[];
  unverified: { line: number; column: number; lang: string; code: string; reason: string }[];
}

export interface Report {
  version: typeof REPORT_VERSION;
  generatedAt: string;
  harness: { node: string; platform: string };
  sandbox: string;
  /** The PostgreSQL major versions of the matrix. */
  majors: number[];
  interrupted: boolean;
  summary: { runs: number; passed: number; failed: number; skipped: number; reused: number; steps: number; stepsPassed: number; stepsFailed: number; stepsNotRun: number; unverifiedBlocks: number; durationMs: number };
  /** One entry per runbook × version that ran (or could not). */
  runbooks: RunbookReport[];
  /** Runbook × version pairs left out because the runbook's frontmatter excludes that version. */
  notApplicable: { file: string; major: number; reason: string }[];
  /** Set on a shard's report (`verify --shard i/n`); absent on a full or merged one. */
  shard?: Shard;
}

export interface ReportContext {
  generatedAt: Date;
  durationMs: number;
  interrupted: boolean;
  node: string;
  platform: string;
  sandbox: string;
  majors: number[];
  notApplicable: NotApplicable[];
  shard?: Shard;
}

function stepReport(result: StepResult): StepReport {
  const { step, outcome } = result;
  return {
    id: step.id, index: step.index, line: step.position.line, column: step.position.column, language: step.language,
    hidden: step.hidden, code: step.code, executed: result.executed ?? null, status: result.status,
    exitCode: outcome?.exitCode ?? null, durationMs: outcome ? Math.round(outcome.durationMs) : null,
    // Shown on pages: clock times and pids masked so re-verification does not churn the site.
    stdout: outcome ? maskVolatile(outcome.stdout) : null, stderr: outcome ? maskVolatile(outcome.stderr) : null, truncated: outcome?.truncated ?? false,
    failures: result.failures.map(({ position, ...rest }) => ({ ...rest, line: position.line, column: position.column })),
    ...(result.serverLogs?.length ? { serverLogs: result.serverLogs.map((log) => ({ path: log.path, tail: maskVolatile(log.tail) })) } : {}),
  };
}

/**
 * A run of a major version this machine had no server for ("no server for 16
 * here"): skipped, not evidence either way. Its sandbox says so.
 */
export function isNoServer(run: Pick<RunbookReport, 'status' | 'sandbox'>): boolean {
  return run.status === 'skipped' && run.sandbox === NO_SERVER_KIND;
}

/**
 * The totals of a report's runs, counted from the runs themselves: the same
 * for a report made from results and for one merged from shards. Pure.
 */
export function summarize(runbooks: RunbookReport[], durationMs: number): Report['summary'] {
  const steps = runbooks.flatMap((r) => r.steps);
  return {
    runs: runbooks.length,
    passed: runbooks.filter((r) => r.status === 'passed').length,
    failed: runbooks.filter((r) => r.status === 'failed' || r.status === 'error').length,
    skipped: runbooks.filter((r) => r.status === 'skipped').length,
    reused: runbooks.filter((r) => r.reusedFrom !== null).length,
    steps: steps.length,
    stepsPassed: steps.filter((s) => s.status === 'passed').length,
    stepsFailed: steps.filter((s) => s.status === 'failed' || s.status === 'timed-out').length,
    stepsNotRun: steps.filter((s) => s.status === 'not-run').length,
    unverifiedBlocks: runbooks.reduce((n, r) => n + r.unverified.length, 0),
    durationMs: Math.round(durationMs),
  };
}

function runbookReport(r: RunbookResult): RunbookReport {
  return {
    file: r.runbook.file, title: r.runbook.title, sourceHash: r.runbook.sourceHash, status: r.status, error: r.error ?? null,
    sandbox: r.sandbox, major: r.major, server: r.server ?? null, extraServers: r.extraServers ?? {}, reusedFrom: r.reused?.verifiedAt ?? null,
    durationMs: Math.round(r.durationMs),
    steps: r.steps.map(stepReport),
    unverified: r.runbook.unverified.map((u) => ({ line: u.position.line, column: u.position.column, lang: u.lang, code: u.code, reason: u.reason })),
  };
}

/** Results → the JSON report the site and CI read. Pure: the clock and environment come in as arguments. */
export function formatReport(results: RunbookResult[], context: ReportContext): Report {
  const runbooks = results.map(runbookReport);
  return {
    version: REPORT_VERSION,
    generatedAt: context.generatedAt.toISOString(),
    harness: { node: context.node, platform: context.platform },
    sandbox: context.sandbox,
    majors: context.majors,
    interrupted: context.interrupted,
    summary: summarize(runbooks, context.durationMs),
    runbooks,
    notApplicable: context.notApplicable.map((n) => ({ file: n.runbook.file, major: n.major, reason: n.reason })),
    ...(context.shard ? { shard: context.shard } : {}),
  };
}
