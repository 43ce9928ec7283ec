import { describe, expect, it } from 'vitest';
import { matrixCosts } from '../../src/harness/report/costs.ts';
import type { Report, RunbookReport, StepReport } from '../../src/harness/report/format.ts';

const step = (durationMs: number | null, code = 'pg_dump appdb'): StepReport => ({
  id: 's', index: 0, line: 1, column: 1, language: 'bash', hidden: false, code, executed: code, status: durationMs === null ? 'not-run' : 'passed',
  exitCode: 0, durationMs, stdout: '', stderr: '', truncated: false, failures: [],
});
const run = (durationMs: number, steps: StepReport[], extra: Partial<RunbookReport> = {}): RunbookReport => ({
  file: 'content/x.md', title: 'x', sourceHash: 'h', status: 'passed', error: null, sandbox: 'docker', major: 17, server: null,
  extraServers: {}, reusedFrom: null, durationMs, steps, unverified: [], ...extra,
});
const report = (runs: RunbookReport[], wall: number): Report => ({
  version: 1, generatedAt: '', harness: { node: '', platform: '' }, sandbox: 'docker', majors: [17], interrupted: false,
  summary: { runs: runs.length, passed: 0, failed: 0, skipped: 0, reused: 0, steps: 0, stepsPassed: 0, stepsFailed: 0, stepsNotRun: 0, unverifiedBlocks: 0, durationMs: wall },
  runbooks: runs, notApplicable: [],
});

describe('matrixCosts', () => {
  it('splits each run into sandbox start, fixture load and the rest, and sets wall time against steps per job', () => {
    const costs = matrixCosts(report([
      run(1500, [step(400, '"$RUNBOOK_FIXTURES/load-fixture" appdb > /dev/null\npg-fingerprint appdb > f'), step(700)]),
      run(900, [step(600)]),
    ], 1400), 2);
    expect(costs.runs).toBe(2);
    expect(costs.stepsMs).toBe(1700);
    expect(costs.readyMs).toBe((400 + 300) / 2);
    expect(costs.fixtureMs).toBe(200);
    expect(costs.fixedMs).toBe(550);
    expect(costs.ratio).toBeCloseTo(1400 / 850);
  });

  it('leaves out runs that never started a sandbox: reused from the cache, or no server for that version here', () => {
    const costs = matrixCosts(report([
      run(1000, [step(500)]),
      run(3000, [step(2000)], { reusedFrom: '2026-12-01T00:00:00Z' }),
      run(0, [step(null)], { status: 'skipped', sandbox: 'none' }),
    ], 1000), 1);
    expect(costs.runs).toBe(1);
    expect(costs.readyMs).toBe(500);
    expect(costs.ratio).toBe(2);
  });

  it('does not take a step that only mentions the loader in a word for a fixture load', () => {
    const costs = matrixCosts(report([run(100, [step(50, 'echo preload-fixtures')])], 100), 1);
    expect(costs.fixtureMs).toBe(0);
  });
});
