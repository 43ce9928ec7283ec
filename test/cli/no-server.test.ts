/**
 * `verify --pg 16` where there is no PostgreSQL 16 to be had: the version
 * stays in the matrix and every page reports "no server for 16 here",
 * neither passed nor failed. RUNBOOKS_IMAGE_SOURCE=local makes "no server"
 * true on every machine (16 has no locally built image: no Debian suite here
 * packages it), registry or not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, scratch } from '../helpers/cli.ts';
import { describeDocker } from '../helpers/docker.ts';
import type { Report } from '../../src/harness/report/format.ts';

const NO_16 = { RUNBOOKS_IMAGE_SOURCE: 'local' };

describeDocker('runbooks verify with a version that has no server here', () => {
  it('reports "no server for 16 here" beside a version that passed, and exits 0', async () => {
    const s = scratch();
    s.copy('content/backup/plain-sql-dump.md');
    const result = await runCli(['verify', '--sandbox', 'docker', '--pg', '16,18', 'content', '--report', 'report.json'], s.dir, s.tmp, NO_16);
    expect(result.exitCode, result.all).toBe(0);
    // The reason, once, in the plan: RUNBOOKS_IMAGE_SOURCE=local looks for no official image, so nothing is pulled.
    expect(result.all).toContain('no server for 16 here (the Docker engine has no image of the kind RUNBOOKS_IMAGE_SOURCE=local asks for; no Debian suite here packages it (versions.tsv: -))');
    expect(result.all).toContain('- content/backup/plain-sql-dump.md: not run here: no server for 16 here\n');
    expect(result.all).toMatch(/content\/backup\/plain-sql-dump\.md\s+no server\s+✓ \d+\.\d+s/);
    expect(result.all).toContain('Runs:     1 passed, 0 failed, 1 not run (no server here) (2 runbook × version)');
    expect(result.all).toContain('Missing:  no server for 16 here: 1 run(s) not run, neither passed nor failed');
    expect(result.all).toContain('nothing failed: only PostgreSQL 16 went unverified, for want of a server here (exit status 0)');
    const report = JSON.parse(readFileSync(join(s.dir, 'report.json'), 'utf8')) as Report;
    expect(report.majors).toEqual([16, 18]);
    expect(report.runbooks.map((r) => [r.major, r.status, r.sandbox])).toEqual([[16, 'skipped', 'none'], [18, 'passed', 'docker']]);
    expect(report.runbooks[0]!.error).toBe('no server for 16 here');
  });

  it('refuses a run in which no version asked for has a server (exit 1): nothing verified is no pass', async () => {
    const s = scratch();
    s.copy('content/backup/plain-sql-dump.md');
    const started = performance.now();
    const result = await runCli(['verify', '--sandbox', 'docker', '--pg', '16', 'content', '--report', 'report.json'], s.dir, s.tmp, NO_16);
    expect(result.exitCode, result.all).toBe(1);
    expect(result.all).toContain('runbooks: No server for any version asked for here: no server for 16 here (');
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
