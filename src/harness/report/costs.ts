import type { Report, RunbookReport } from './format.ts';

/** A step that loads the sample fixture (and, on most pages, fingerprints it): the "fixture loaded" part of a run's fixed cost. */
const LOADS_FIXTURE = /(^|[\s/"'])load-fixture\b/;

export interface MatrixCosts {
  /** Runs that started a sandbox (not reused from the cache, not "no server here"). */
  runs: number;
  /** Sum of every executed step's duration. */
  stepsMs: number;
  /** Mean time from a run's start to its first step: the sandbox starting (container, cluster, identity check). */
  readyMs: number;
  /** Mean time per run spent in steps that load the fixture (0 for runs that load none). */
  fixtureMs: number;
  /** readyMs + fixtureMs: what a run costs before its own work begins. */
  fixedMs: number;
  /** Wall time of the whole verification. */
  wallMs: number;
  jobs: number;
  /** wallMs against stepsMs / jobs: 1.0 would be the steps alone, perfectly spread over the jobs. */
  ratio: number;
}

function ran(run: RunbookReport): boolean {
  return run.reusedFrom === null && run.steps.some((s) => s.durationMs !== null);
}

/** The harness's own cost in a verification's report. Pure. */
export function matrixCosts(report: Report, jobs: number): MatrixCosts {
  const runs = report.runbooks.filter(ran);
  let stepsMs = 0;
  let readyMs = 0;
  let fixtureMs = 0;
  for (const run of runs) {
    const steps = run.steps.reduce((sum, s) => sum + (s.durationMs ?? 0), 0);
    stepsMs += steps;
    // A run's duration is its sandbox start plus its steps (the teardown comes after: it shows in the wall time only).
    readyMs += Math.max(0, run.durationMs - steps);
    fixtureMs += run.steps.filter((s) => s.durationMs !== null && LOADS_FIXTURE.test(s.executed ?? s.code)).reduce((sum, s) => sum + s.durationMs!, 0);
  }
  const n = Math.max(1, runs.length);
  const wallMs = report.summary.durationMs;
  return {
    runs: runs.length, stepsMs, readyMs: readyMs / n, fixtureMs: fixtureMs / n, fixedMs: (readyMs + fixtureMs) / n,
    wallMs, jobs, ratio: stepsMs > 0 ? wallMs / (stepsMs / jobs) : Number.NaN,
  };
}
