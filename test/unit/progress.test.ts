import { describe, expect, it } from 'vitest';
import { formatLeft, ProgressEstimator, progressText } from '../../src/harness/report/progress.ts';
import { progressPrinter } from '../../src/harness/cli/progress.ts';
import type { RunEvent } from '../../src/harness/run.ts';
import { makeResult, makeRunbook, makeStep } from './build.ts';

describe('ProgressEstimator', () => {
  it("counts runs and takes each run's time from the last report", () => {
    const e = new ProgressEstimator(['a@15', 'b@15', 'c@15'], new Map([['a@15', 10_000], ['b@15', 20_000], ['c@15', 30_000]]), 1);
    expect(e.estimate(0)).toEqual({ done: 0, total: 3, leftMs: 60_000 });
    e.start('a@15', 0);
    // 4 s into a run expected to take 10 s: 6 s of it left.
    expect(e.estimate(4_000).leftMs).toBe(56_000);
    e.end('a@15', 12_000);
    expect(e.estimate(12_000)).toEqual({ done: 1, total: 3, leftMs: 50_000 });
    e.start('b@15', 12_000);
    e.end('b@15', 20_000);
    e.start('c@15', 32_000);
    e.end('c@15', 30_000);
    expect(e.estimate(62_000)).toEqual({ done: 3, total: 3, leftMs: 0 });
  });

  it('falls back to the mean of the runs done so far for a run the last report lacks', () => {
    const e = new ProgressEstimator(['a@18', 'b@18', 'c@18'], new Map(), 1);
    // Nothing recorded, nothing done: no estimate, only the count.
    expect(e.estimate(0)).toEqual({ done: 0, total: 3 });
    e.start('a@18', 0);
    e.end('a@18', 4_000);
    expect(e.estimate(4_000).leftMs).toBe(8_000);
    e.start('b@18', 4_000);
    e.end('b@18', 8_000);
    // Mean of 4 s and 8 s, for the one left.
    expect(e.estimate(12_000).leftMs).toBe(6_000);
  });

  it('before any run is done, takes the mean of the recorded runs for a new one', () => {
    const e = new ProgressEstimator(['old@15', 'new@15'], new Map([['old@15', 10_000], ['gone@15', 20_000]]), 1);
    expect(e.estimate(0).leftMs).toBe(10_000 + 15_000);
  });

  it('divides the work among the jobs, but never below the longest run left', () => {
    const recorded = new Map([['a', 10_000], ['b', 10_000], ['c', 10_000], ['d', 50_000]]);
    expect(new ProgressEstimator(['a', 'b', 'c', 'd'], recorded, 2).estimate(0).leftMs).toBe(50_000);
    expect(new ProgressEstimator(['a', 'b', 'c'], recorded, 2).estimate(0).leftMs).toBe(15_000);
  });
});

describe('progress text', () => {
  it('says the count and the time left in whole seconds', () => {
    expect(progressText({ done: 12, total: 171, leftMs: 250_400 })).toBe('12/171 runs · ~4m10s left');
    expect(progressText({ done: 0, total: 5 })).toBe('0/5 runs');
    expect(formatLeft(44_600)).toBe('~45s');
    expect(formatLeft(59_700)).toBe('~1m00s');
    expect(formatLeft(3_900_000)).toBe('~1h05m');
  });
});

describe('the progress line of verify', () => {
  const runbook = makeRunbook('content/a.md', { steps: [makeStep({ id: 'dump' })] });
  const other = makeRunbook('content/b.md');
  const events: RunEvent[] = [
    { type: 'runbook-start', runbook, major: 17 },
    { type: 'step-start', runbook, major: 17, planned: { step: runbook.steps[0]! } as never },
    { type: 'runbook-end', major: 17, result: makeResult(runbook, 17, 'passed', 30_000) },
    { type: 'runbook-start', runbook: other, major: 17 },
  ];
  const play = (isTTY: boolean): string => {
    let out = '';
    let clock = 0;
    const estimator = new ProgressEstimator(['content/a.md@17', 'content/b.md@17'], new Map(), 1);
    const print = progressPrinter((t) => { out += t; }, isTTY, false, false, estimator, () => (clock += 1000));
    for (const event of events) print(event);
    return out;
  };

  it('on a terminal, shows the count and the time left on one line rewritten in place', () => {
    const out = play(true);
    expect(out).toContain('  [0/2 runs] ⋯ dump');
    expect(out).toContain('\r\x1b[K');
    // After the first run (30 s), the second is expected to take as long: 1 s into it (the test's clock), 29 s left.
    expect(out).toMatch(/\[1\/2 runs · ~29s left\]$/);
  });

  it('leaves no status line behind after the last run, for what the CLI prints next', () => {
    let out = '';
    const estimator = new ProgressEstimator(['content/a.md@17'], new Map(), 1);
    const print = progressPrinter((t) => { out += t; }, true, false, false, estimator, () => 0);
    for (const event of events.slice(0, 3)) print(event);
    expect(out).toMatch(/✓ passed in 30\.0s\n\n$/);
  });

  it('prints nothing of it when the output is no terminal (a CI log)', () => {
    const out = play(false);
    expect(out).not.toMatch(/runs|\r|\x1b/);
    expect(out).toContain('✓ passed');
  });
});
