/**
 * scripts/images/versions.tsv, the one place naming each major version, and
 * the words a run with no server for a version ends in: "no server for 16
 * here", neither passed nor failed. No server, no Docker.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseImageTable, pullImage, readImageTable } from '../../src/harness/sandbox/images.ts';
import { NoServerSandbox } from '../../src/harness/sandbox/no-server.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';
import { projectPaths } from '../../src/harness/files/project.ts';
import { formatReport } from '../../src/harness/report/format.ts';
import { matrixTable, summary } from '../../src/harness/report/console.ts';
import { planMatrix } from '../../src/harness/plan/matrix.ts';
import { runRunbook } from '../../src/harness/run.ts';
import type { RunbookResult } from '../../src/harness/model.ts';
import { makeResult, makeRunbook } from './build.ts';

describe('versions.tsv', () => {
  it('names 13 to 18; 14 and 16 by their official image only (no Debian suite here packages them)', () => {
    const rows = readImageTable(projectPaths().scripts);
    expect(rows.map((r) => r.major)).toEqual([13, 14, 15, 16, 17, 18]);
    expect(rows.filter((r) => r.suite === undefined)).toEqual([{ major: 14, official: 'postgres:14' }, { major: 16, official: 'postgres:16' }]);
    expect(rows.find((r) => r.major === 18)).toEqual({ major: 18, suite: 'sid', local: 'proven-runbooks/postgres:18-sid', official: 'postgres:18' });
  });

  it('reads - as "none", skips comments, sorts by major, and refuses a row it cannot read', () => {
    expect(parseImageTable('# c\n17\ttrixie\tl:17\tpostgres:17\n  # indented comment\n\n16\t-\t-\tpostgres:16\n')).toEqual([
      { major: 16, official: 'postgres:16' },
      { major: 17, suite: 'trixie', local: 'l:17', official: 'postgres:17' },
    ]);
    expect(() => parseImageTable('16 - - postgres:16\n')).toThrow(/row 1 is not "major<TAB>suite/);
    expect(() => parseImageTable('16\t-\tl:16\tpostgres:16\n')).toThrow(/local image only together with a suite/);
    expect(() => parseImageTable('16\tsid\t-\tpostgres:16\n')).toThrow(/local image only together with a suite/);
    expect(() => parseImageTable('16\t-\t-\t-\n')).toThrow(/row 1/);
  });
});

describe('pulling an official image once per major', () => {
  // A stand-in `docker` on PATH: what a pull does where no registry answers.
  function fakeDocker(script: string): ReturnType<typeof sandboxSettings> {
    const dir = mkdtempSync(join(tmpdir(), 'rb-fake-docker-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'docker'), `#!/bin/sh\n${script}\n`);
    chmodSync(join(dir, 'docker'), 0o755);
    return sandboxSettings({ PATH: `${dir}:/usr/bin:/bin` });
  }

  it('says why it failed, without the daemon\'s addresses', async () => {
    const settings = fakeDocker('echo \'Error response from daemon: Get "https://registry.example/v2/": dial tcp: lookup registry.example on 10.0.0.1:53: no such host\' >&2; exit 1');
    expect(await pullImage(settings, 'postgres:16')).toEqual({ ok: false, detail: '`docker pull postgres:16` failed (no such host)' });
  });

  it('gives up on a registry that stays silent, quickly', async () => {
    const settings = fakeDocker('exec sleep 30');
    const started = performance.now();
    expect(await pullImage(settings, 'postgres:16', 300)).toEqual({ ok: false, detail: '`docker pull postgres:16`: no registry answered in 0.3 s' });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('lets a pull that answers finish', async () => {
    const settings = fakeDocker('echo "16: Pulling from library/postgres"; sleep 0.5; echo done');
    expect(await pullImage(settings, 'postgres:16', 200)).toEqual({ ok: true, detail: 'pulled postgres:16' });
  });
});

describe('a version with no server here', () => {
  const a = makeRunbook('content/a.md');
  const b = makeRunbook('content/b.md');

  it('ends each run at once as skipped, saying "no server for 16 here" and why', async () => {
    const result = await runRunbook(a, new NoServerSandbox(16, 'no postgres:16; `docker pull postgres:16` failed (no such host)'), { major: 16 });
    expect(result).toMatchObject({ status: 'skipped', sandbox: 'none', major: 16, error: 'no server for 16 here' });
    expect(result.steps.map((s) => s.status)).toEqual(['not-run']);
  });

  function report(results: RunbookResult[]): ReturnType<typeof formatReport> {
    return formatReport(results, {
      generatedAt: new Date('2026-12-06T00:00:00Z'), durationMs: 2000, interrupted: false, node: 'v24', platform: 'linux',
      sandbox: 'docker', majors: [15, 16], notApplicable: planMatrix([a, b], [15, 16]).notApplicable,
    });
  }
  const noServer = (runbook: typeof a): RunbookResult => ({
    ...makeResult(runbook, 16, 'skipped', 0), sandbox: 'none', error: 'no server for 16 here',
    steps: runbook.steps.map((step) => ({ step, status: 'not-run', failures: [] })),
  });

  it('is neither passed nor failed in the summary, which says so plainly', () => {
    const r = report([makeResult(a, 15), noServer(a), makeResult(b, 15), noServer(b)]);
    expect(r.summary).toMatchObject({ passed: 2, failed: 0, skipped: 2 });
    expect(summary(r, undefined)).toContain([
      'Runs:     2 passed, 0 failed, 2 not run (no server here) (4 runbook × version)',
      'Missing:  no server for 16 here: 2 run(s) not run, neither passed nor failed',
      '          nothing failed: only PostgreSQL 16 went unverified, for want of a server here (exit status 0)',
    ].join('\n'));
    expect(matrixTable(r)).toMatch(/content\/a\.md\s+✓ 1\.00s\s+no server/);
    expect(summary(r, undefined)).toContain('Steps:    2 passed, 0 failed, 0 not run (and 2 of versions with no server here);');
  });

  it('is told apart from other skips and from failures', () => {
    const otherSkip = { ...makeResult(b, 15, 'skipped', 0), error: 'needs a small disk' };
    const r = report([makeResult(a, 15, 'failed'), noServer(a), otherSkip, noServer(b)]);
    const text = summary(r, undefined);
    expect(text).toContain('Runs:     0 passed, 1 failed, 1 skipped (not runnable in this sandbox), 2 not run (no server here)');
    expect(text).toContain('(PostgreSQL 16 not counted: no server here; the failures above decide the exit status)');
    expect(text).not.toContain('nothing failed');
  });
});
