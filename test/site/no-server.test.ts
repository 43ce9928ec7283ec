/**
 * A version the verifying machine had no server for ("no server for 16
 * here"): the site says so in the matrix and the badge, never "passed", and
 * the strict build publishes the page on the versions that did pass.
 */
import { describe, expect, it } from 'vitest';
import type { Report, RunbookReport } from '../../src/harness/report/format.ts';
import { pageProof, sha256 } from '../../src/site/proof/page-proof.ts';
import { findProblems } from '../../src/site/proof/check.ts';
import { badgeFor } from '../../src/site/proof/badge.ts';
import { buildMatrix } from '../../src/site/proof/matrix.ts';

const FILE = 'content/backup/example.md';
const PAGE = ['---', 'title: Example', '---', '', '```bash run id=seed', 'createdb appdb', '```', ''].join('\n');

function run(major: number, status: 'passed' | 'skipped', sandbox = 'docker'): RunbookReport {
  return {
    file: FILE, title: 'Example', sourceHash: sha256(PAGE), status, sandbox, major,
    error: sandbox === 'none' ? `no server for ${major} here` : null,
    server: status === 'passed' ? { version: `PostgreSQL ${major}.1`, major, source: `postgres:${major}` } : null, extraServers: {}, reusedFrom: null,
    durationMs: status === 'passed' ? 1500 : 0,
    steps: [{
      id: 'seed', index: 1, line: 5, column: 1, language: 'bash', hidden: false, code: 'createdb appdb', executed: status === 'passed' ? 'createdb appdb' : null,
      status: status === 'passed' ? 'passed' : 'not-run', exitCode: status === 'passed' ? 0 : null, durationMs: status === 'passed' ? 10 : null,
      stdout: null, stderr: null, truncated: false, failures: [],
    }],
    unverified: [],
  };
}

function report(runs: RunbookReport[]): Report {
  return {
    version: 1, generatedAt: '2026-12-06T00:00:00.000Z', harness: { node: 'v24', platform: 'linux-x64' }, sandbox: 'docker',
    majors: [15, 16], interrupted: false,
    summary: { runs: runs.length, passed: 1, failed: 0, skipped: 1, reused: 0, steps: 2, stepsPassed: 1, stepsFailed: 0, stepsNotRun: 1, unverifiedBlocks: 0, durationMs: 1500 },
    runbooks: runs, notApplicable: [],
  };
}

describe('a version with no server where the site\'s report was made', () => {
  const withServer = report([run(15, 'passed'), run(16, 'skipped', 'none')]);

  it('does not stop the page from being published on the versions that passed', () => {
    expect(pageProof(withServer, FILE, PAGE).status).toBe('verified');
    expect(findProblems(withServer, [{ file: FILE, source: PAGE }])).toEqual([]);
  });

  it('says "no server here" in its matrix column, not passed and not failed', () => {
    const matrix = buildMatrix(withServer, [{ title: 'Example', href: '/backup/example/', proof: pageProof(withServer, FILE, PAGE) }]);
    expect(matrix.noServer).toEqual([16]);
    expect(matrix.rows[0]!.cells.map((c) => [c.major, c.kind, c.text])).toEqual([[15, 'passed', '✓ 1.5 s'], [16, 'no-server', 'no server here']]);
    expect(matrix.rows[0]!.cells[1]!.title).toBe('Neither passed nor failed: no server for 16 here');
  });

  it('is named on the badge, whose headline claims only what passed', () => {
    const badge = badgeFor(pageProof(withServer, FILE, PAGE));
    expect(badge.headline).toBe('Verified on PostgreSQL 15');
    expect(badge.noServer).toBe('Not run on PostgreSQL 16: no server for it where it was verified (neither passed nor failed)');
  });

  it('is no evidence on its own: a page with no other run is not published', () => {
    const only = report([run(16, 'skipped', 'none')]);
    expect(findProblems(only, [{ file: FILE, source: PAGE }])).toEqual([
      { file: FILE, kind: 'not-run', message: expect.stringContaining('PostgreSQL 16: no server for 16 here') },
    ]);
  });

  it('keeps an ordinary skip apart ("not run")', () => {
    const skipped = report([run(15, 'passed'), { ...run(16, 'skipped'), error: 'needs a small disk' }]);
    const matrix = buildMatrix(skipped, [{ title: 'Example', href: '/backup/example/', proof: pageProof(skipped, FILE, PAGE) }]);
    expect(matrix.noServer).toEqual([]);
    expect(matrix.rows[0]!.cells[1]).toMatchObject({ kind: 'skipped', text: 'not run' });
  });
});
