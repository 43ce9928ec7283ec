import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratch } from '../helpers/cli.ts';
import type { Report } from '../../src/harness/report/format.ts';

const PAGES = ['content/backup/plain-sql-dump.md', 'content/backup/custom-format-parallel-restore.md', 'content/reference/runbook-format.md', 'content/backup/roles-and-privileges.md'];

/** A report without what legitimately differs between two runs: times and dates. */
function shape(report: Report): unknown {
  const { durationMs: _d, reused: _r, ...summary } = report.summary;
  return {
    majors: report.majors, summary, notApplicable: report.notApplicable,
    runbooks: report.runbooks.map((r) => ({
      file: r.file, major: r.major, status: r.status, sourceHash: r.sourceHash, server: r.server,
      steps: r.steps.map((s) => ({ id: s.id, status: s.status, exitCode: s.exitCode, executed: s.executed, stdout: s.stdout, stderr: s.stderr })),
    })),
  };
}

const read = (path: string): Report => JSON.parse(readFileSync(path, 'utf8')) as Report;

describe('incremental verification', () => {
  it('reuses unchanged passes, re-runs an edited page, and --force runs everything', async () => {
    const s = scratch();
    for (const page of PAGES.slice(0, 2)) s.copy(page);
    const first = await runCli(['verify', '--sandbox', 'local', 'content', '--report', 'r1.json'], s.dir, s.tmp);
    expect(first.exitCode, first.all).toBe(0);
    expect(first.all).toContain('0 reused from the cache, 2 to run');
    const second = await runCli(['verify', '--sandbox', 'local', 'content', '--report', 'r2.json'], s.dir, s.tmp);
    expect(second.all).toContain('2 reused from the cache, 0 to run');
    expect(read(join(s.dir, 'r2.json')).runbooks.every((r) => r.reusedFrom !== null)).toBe(true);
    expect(shape(read(join(s.dir, 'r2.json')))).toEqual(shape(read(join(s.dir, 'r1.json'))));
    appendFileSync(join(s.dir, PAGES[0]!), '\nOne more sentence for the reader.\n');
    const third = await runCli(['verify', '--sandbox', 'local', 'content', '--report', 'r3.json'], s.dir, s.tmp);
    expect(third.all).toContain('1 reused from the cache, 1 to run');
    expect(third.all).toContain('▶ content/backup/plain-sql-dump.md');
    const forced = await runCli(['verify', '--sandbox', 'local', '--force', 'content', '--report', 'r4.json'], s.dir, s.tmp);
    expect(forced.all).toContain('0 reused from the cache (--force: none), 2 to run');
  });
});

describe('sharding', () => {
  it('--shard 1/3, 2/3, 3/3 + merge give the report of an unsharded run (up to timings)', async () => {
    const s = scratch();
    for (const page of PAGES) s.copy(page);
    s.copy('content/restore/upgrade-major-version.md');
    const full = await runCli(['verify', '--sandbox', 'local', '--force', 'content', '--report', 'full.json'], s.dir, s.tmp);
    expect(full.exitCode, full.all).toBe(0);
    const shards: string[] = [];
    for (const i of [1, 2, 3]) {
      // Each shard starts from the full run's report, as CI would download it, to balance by duration.
      const path = `shard${i}.json`;
      appendFileSync(join(s.dir, path), readFileSync(join(s.dir, 'full.json')));
      const run = await runCli(['verify', '--sandbox', 'local', '--force', '--shard', `${i}/3`, 'content', '--report', path], s.dir, s.tmp);
      expect(run.exitCode, run.all).toBe(0);
      expect(read(join(s.dir, path)).shard).toEqual({ index: i, count: 3 });
      shards.push(path);
    }
    const sizes = shards.map((p) => read(join(s.dir, p)).runbooks.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(4);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
    const merged = await runCli(['merge', ...shards, '--report', 'merged.json'], s.dir, s.tmp);
    expect(merged.exitCode, merged.all).toBe(0);
    expect(shape(read(join(s.dir, 'merged.json')))).toEqual(shape(read(join(s.dir, 'full.json'))));
    const incomplete = await runCli(['merge', shards[0]!, shards[1]!, '--report', 'bad.json'], s.dir, s.tmp);
    expect(incomplete.exitCode).toBe(2);
    expect(incomplete.all).toContain('Shard report(s) 3/3 missing');
  });
});
