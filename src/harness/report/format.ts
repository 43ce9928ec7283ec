import type { Failure, RunbookResult, StepResult } from '../model.ts';

export const REPORT_VERSION = 1;

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
}

export interface RunbookReport {
  file: string;
  title: string;
  sourceHash: string;
  status: RunbookResult['status'];
  error: string | null;
  sandbox: string;
  server: RunbookResult['server'] | null;
  durationMs: number;
  steps: StepReport[];
  unverified: { line: number; column: number; lang: string; code: string; reason: string }[];
}

export interface Report {
  version: typeof REPORT_VERSION;
  generatedAt: string;
  harness: { node: string; platform: string };
  interrupted: boolean;
  summary: { runbooks: number; passed: number; failed: number; steps: number; stepsPassed: number; stepsFailed: number; stepsNotRun: number; unverifiedBlocks: number; durationMs: number };
  runbooks: RunbookReport[];
}

function stepReport(result: StepResult): StepReport {
  const { step, outcome } = result;
  return {
    id: step.id, index: step.index, line: step.position.line, column: step.position.column, language: step.language,
    hidden: step.hidden, code: step.code, executed: result.executed ?? null, status: result.status,
    exitCode: outcome?.exitCode ?? null, durationMs: outcome ? Math.round(outcome.durationMs) : null,
    stdout: outcome?.stdout ?? null, stderr: outcome?.stderr ?? null, truncated: outcome?.truncated ?? false,
    failures: result.failures.map(({ position, ...rest }) => ({ ...rest, line: position.line, column: position.column })),
  };
}

/** Results → the JSON report the site and CI read. Pure: the clock and environment come in as arguments. */
export function formatReport(results: RunbookResult[], context: { generatedAt: Date; durationMs: number; interrupted: boolean; node: string; platform: string }): Report {
  const steps = results.flatMap((r) => r.steps);
  return {
    version: REPORT_VERSION,
    generatedAt: context.generatedAt.toISOString(),
    harness: { node: context.node, platform: context.platform },
    interrupted: context.interrupted,
    summary: {
      runbooks: results.length,
      passed: results.filter((r) => r.status === 'passed').length,
      failed: results.filter((r) => r.status !== 'passed').length,
      steps: steps.length,
      stepsPassed: steps.filter((s) => s.status === 'passed').length,
      stepsFailed: steps.filter((s) => s.status === 'failed' || s.status === 'timed-out').length,
      stepsNotRun: steps.filter((s) => s.status === 'not-run').length,
      unverifiedBlocks: results.reduce((n, r) => n + r.runbook.unverified.length, 0),
      durationMs: Math.round(context.durationMs),
    },
    runbooks: results.map((r) => ({
      file: r.runbook.file, title: r.runbook.title, sourceHash: r.runbook.sourceHash, status: r.status, error: r.error ?? null,
      sandbox: r.sandbox, server: r.server ?? null, durationMs: Math.round(r.durationMs),
      steps: r.steps.map(stepReport),
      unverified: r.runbook.unverified.map((u) => ({ line: u.position.line, column: u.position.column, lang: u.lang, code: u.code, reason: u.reason })),
    })),
  };
}
