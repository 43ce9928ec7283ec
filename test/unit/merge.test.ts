import { describe, expect, it } from 'vitest';
import { formatReport, type Report } from '../../src/harness/report/format.ts';
import { mergeReports } from '../../src/harness/report/merge.ts';
import { planMatrix } from '../../src/harness/plan/matrix.ts';
import type { RunbookResult } from '../../src/harness/model.ts';
import { makeResult, makeRunbook } from './build.ts';

const NOW = new Date('2026-03-04T05:06:07Z');
const a = makeRunbook('content/a.md');
const b = makeRunbook('content/b.md', { unverified: [{ position: { file: 'content/b.md', line: 30, column: 1 }, lang: 'bash', code: 'aws s3 cp …', reason: 'needs a real S3 bucket' }] });
const late = makeRunbook('content/late.md', { settings: { timeoutMs: 1, versions: { min: 17 }, servers: [] } });
const { notApplicable } = planMatrix([a, b, late], [15, 17]);

function report(results: RunbookResult[], options: { shard?: { index: number; count: number }; durationMs?: number; sandbox?: string; interrupted?: boolean } = {}): Report {
  return formatReport(results, {
    generatedAt: NOW, durationMs: options.durationMs ?? 1000, interrupted: options.interrupted ?? false, node: 'v24.9.0', platform: 'linux',
    sandbox: options.sandbox ?? 'docker', majors: [15, 17], notApplicable, ...(options.shard ? { shard: options.shard } : {}),
  });
}

const shard1 = report([makeResult(b, 17, 'failed', 3000), makeResult(a, 15)], { shard: { index: 1, count: 2 }, durationMs: 4000 });
const shard2 = report([makeResult(late, 17), makeResult(a, 17), makeResult(b, 15)], { shard: { index: 2, count: 2 }, durationMs: 3500, sandbox: 'local' });

describe('merging shard reports', () => {
  it('reads as if one machine had run everything', () => {
    const merged = mergeReports([shard2, shard1], NOW);
    expect({ ...merged, runbooks: merged.runbooks.map((r) => `${r.file}@${r.major} ${r.status}`) }).toMatchInlineSnapshot(`
      {
        "generatedAt": "2026-03-04T05:06:07.000Z",
        "harness": {
          "node": "v24.9.0",
          "platform": "linux",
        },
        "interrupted": false,
        "majors": [
          15,
          17,
        ],
        "notApplicable": [
          {
            "file": "content/late.md",
            "major": 15,
            "reason": "applies to PostgreSQL 17 or later",
          },
        ],
        "runbooks": [
          "content/a.md@15 passed",
          "content/a.md@17 passed",
          "content/b.md@15 passed",
          "content/b.md@17 failed",
          "content/late.md@17 passed",
        ],
        "sandbox": "local+docker",
        "summary": {
          "durationMs": 4000,
          "failed": 1,
          "passed": 4,
          "reused": 0,
          "runs": 5,
          "skipped": 0,
          "steps": 5,
          "stepsFailed": 1,
          "stepsNotRun": 0,
          "stepsPassed": 4,
          "unverifiedBlocks": 2,
        },
        "version": 1,
      }
    `);
  });

  it('counts the same summary as a single run of everything, except the duration', () => {
    const merged = mergeReports([shard1, shard2], NOW);
    const single = report([a, b, late].flatMap((page) => [15, 17].flatMap((major) => {
      const run = merged.runbooks.find((r) => r.file === page.file && r.major === major);
      return run ? [makeResult(page, major, run.status, run.durationMs)] : [];
    })), { durationMs: merged.summary.durationMs });
    expect(merged.summary).toEqual(single.summary);
    expect(merged.runbooks).toEqual(single.runbooks);
  });

  it('says the run was interrupted when any shard was', () => {
    const stopped = { ...shard2, interrupted: true };
    expect(mergeReports([shard1, stopped], NOW).interrupted).toBe(true);
  });

  it('refuses an incomplete set of shards, naming the missing ones', () => {
    const of3 = { ...shard1, shard: { index: 2, count: 3 } };
    expect(() => mergeReports([of3], NOW)).toThrowErrorMatchingInlineSnapshot(`[HarnessError: Shard report(s) 1/3, 3/3 missing]`);
  });

  it('refuses a run present in two reports, and a set that repeats one shard instead of holding each', () => {
    expect(() => mergeReports([shard1, shard2, { ...shard2, shard: undefined }], NOW)).toThrowErrorMatchingInlineSnapshot(`[HarnessError: content/late.md@17 appears in more than one report]`);
    expect(() => mergeReports([shard1, shard1], NOW)).toThrowErrorMatchingInlineSnapshot(`[HarnessError: Shard report(s) 2/2 missing]`);
  });

  it('merges reports that were not sharded', () => {
    const one = report([makeResult(a, 15)]);
    const two = report([makeResult(a, 17)]);
    expect(mergeReports([one, two], NOW).runbooks.map((r) => r.major)).toEqual([15, 17]);
  });
});
