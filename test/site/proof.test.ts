/**
 * The site's pure rules, without a browser: what a page may claim given a
 * report, the publishing check, output trimming, the downloadable script and
 * the environment line. The reports here are literal data in the report's
 * real shape (src/harness/report/format.ts), for cases a healthy run never
 * produces: a failure on one version only, a forged report, a stale page.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Element, ElementContent } from 'hast';
import type { Report, RunbookReport, StepReport } from '../../src/harness/report/format.ts';
import { pageProof, sha256 } from '../../src/site/proof/page-proof.ts';
import { describeProblems, findProblems } from '../../src/site/proof/check.ts';
import { trimOutput } from '../../src/site/proof/trim-output.ts';
import { outputPanel, stepMark } from '../../src/site/proof/step-view.ts';
import { badgeFor } from '../../src/site/proof/badge.ts';
import { buildMatrix } from '../../src/site/proof/matrix.ts';
import { runbookScript } from '../../src/site/script.ts';
import { exportLine, readStored } from '../../src/site/env-line.ts';
import { draftFrom, pageKey } from '../../src/site/settings.ts';

const FILE = 'content/backup/example.md';
const PAGE = [
  '---', 'title: Example', '---', '', 'Intro.', '',
  '```bash run id=seed hidden', 'createdb appdb', '```', '',            // line 7
  '```bash run id=dump title="Dump it"', 'pg_dump appdb > "$BACKUP_DIR/a.sql"', '```', '', // line 11
  '```sql run id=count db=appdb', 'select count(*) from t;', '```', '', // line 15
  '```text output', ' count', '```', '',
  '```bash skip="needs a bucket"', 'aws s3 cp a s3://b/', '```', '',    // line 23
].join('\n');

function step(id: string, index: number, line: number, language: string, code: string, extra: Partial<StepReport> = {}): StepReport {
  const executed = language === 'sql' ? `psql -X -v ON_ERROR_STOP=1 -d appdb <<'SQL'\n${code}\nSQL` : code;
  return {
    id, index, line, column: 1, language, hidden: id === 'seed', code, executed, status: 'passed', exitCode: 0,
    durationMs: 10 * index, stdout: '', stderr: '', truncated: false, failures: [], ...extra,
  };
}

function run(major: number, source = PAGE, steps?: StepReport[]): RunbookReport {
  return {
    file: FILE, title: 'Example', sourceHash: sha256(source), status: 'passed', error: null, sandbox: 'docker', major,
    server: { version: `PostgreSQL ${major}.1`, major, source: `postgres:${major}` }, extraServers: {}, reusedFrom: null, durationMs: 1000 + major,
    steps: steps ?? [
      step('seed', 1, 7, 'bash', 'createdb appdb'),
      step('dump', 2, 11, 'bash', 'pg_dump appdb > "$BACKUP_DIR/a.sql"'),
      step('count', 3, 15, 'sql', 'select count(*) from t;', { stdout: ` count\n-------\n     ${major}\n(1 row)\n` }),
    ],
    unverified: [{ line: 23, column: 1, lang: 'bash', code: 'aws s3 cp a s3://b/', reason: 'needs a bucket' }],
  };
}

function report(runs: RunbookReport[]): Report {
  return {
    version: 1, generatedAt: '2026-11-27T04:54:56.810Z', harness: { node: 'v24', platform: 'linux-x64' }, sandbox: 'docker',
    majors: [15, 18], interrupted: false,
    summary: { runs: runs.length, passed: runs.length, failed: 0, skipped: 0, reused: 0, steps: 6, stepsPassed: 6, stepsFailed: 0, stepsNotRun: 0, unverifiedBlocks: 2, durationMs: 2000 },
    runbooks: runs, notApplicable: [],
  };
}

const text = (node: ElementContent): string => (node.type === 'text' ? node.value : node.type === 'element' ? node.children.map(text).join('') : '');
const find = (node: Element, className: string): Element[] => node.children.flatMap((c) => (c.type !== 'element' ? []
  : [...((c.properties.className as string[] | undefined)?.includes(className) ? [c] : []), ...find(c, className)]));

describe('what a page may claim', () => {
  it('is verified when every run matches the page and passed, with one proof per step across versions', () => {
    const proof = pageProof(report([run(18), run(15)]), FILE, PAGE);
    expect(proof.status).toBe('verified');
    expect(proof.runs.map((r) => r.major)).toEqual([15, 18]);
    expect(proof.steps.map((s) => [s.id, s.status, s.runs.map((r) => r.major), s.shown?.major])).toEqual([
      ['seed', 'passed', [15, 18], 18], ['dump', 'passed', [15, 18], 18], ['count', 'passed', [15, 18], 18],
    ]);
    expect(badgeFor(proof)).toMatchObject({ status: 'verified', headline: 'Verified on PostgreSQL 15 and 18', duration: '1.0 s on PostgreSQL 18; 1.0 s on every version' });
  });

  it('gives a version with no server here neither a run time nor a date in the runs table', () => {
    const none: RunbookReport = { ...run(16), status: 'skipped', sandbox: 'none', error: 'no server for 16 here', server: null, durationMs: 0,
      steps: run(16).steps.map((s) => ({ ...s, status: 'not-run', exitCode: null, durationMs: null, stdout: null, stderr: null })) };
    const badge = badgeFor(pageProof(report([run(15), none]), FILE, PAGE));
    expect(badge.runs.map((r) => [r.major, r.duration, r.date])).toEqual([[15, '1.0 s', badge.runs[0]!.date], [16, '–', 'not run']]);
    expect(badge.runs[0]!.date).not.toBe('not run');
    expect(badge.noServer).toContain('Not run on PostgreSQL 16');
  });

  it('shows the failed version\'s output, even when a newer version passed', () => {
    const broken = run(15, PAGE, [
      step('seed', 1, 7, 'bash', 'createdb appdb'),
      step('dump', 2, 11, 'bash', 'pg_dump appdb > "$BACKUP_DIR/a.sql"', { status: 'failed', exitCode: 1, stderr: 'pg_dump: error: boom\n',
        failures: [{ expected: 'exit status 0', actual: 'exit status 1', line: 11, column: 1 }] }),
      step('count', 3, 15, 'sql', 'select count(*) from t;', { status: 'not-run', exitCode: null, durationMs: null, stdout: null, stderr: null, executed: null }),
    ]);
    const proof = pageProof(report([{ ...broken, status: 'failed' }, run(18)]), FILE, PAGE);
    expect(proof.status).toBe('failed');
    expect(proof.problem?.message).toBe('the runbook failed on PostgreSQL 15 at step `dump` (line 11)');
    const dump = proof.steps[1]!;
    expect([dump.status, dump.shown?.major]).toEqual(['failed', 15]);
    const panel = outputPanel(dump)!;
    expect(panel.tagName).toBe('details');
    expect(panel.properties.open).toBe(true);
    expect(text(panel)).toContain('pg_dump: error: boom');
    expect(text(panel)).toContain('Expected exit status 0; got exit status 1.');
    const count = proof.steps[2]!;
    expect([count.status, count.runs.map((r) => r.status)]).toEqual(['partial', ['not-run', 'passed']]);
    const chips = find(stepMark(count), 'rb-run').map((c) => [c.properties.dataRbMajor, c.properties.dataRbStatus]);
    expect(chips).toEqual([['15', 'not-run'], ['18', 'passed']]);
    expect(badgeFor(proof)).toMatchObject({ status: 'failed', headline: 'Failed on PostgreSQL 15', reason: 'step “dump” (line 11) failed' });
  });

  it('keeps a leading blank line of captured output (HTML parsers eat a newline right after <pre>)', () => {
    const proof = pageProof(report([run(18, PAGE, [
      step('seed', 1, 7, 'bash', 'createdb appdb'),
      step('dump', 2, 11, 'bash', 'pg_dump appdb > "$BACKUP_DIR/a.sql"', { stderr: '\ngzip: unexpected end of file\n' }),
      step('count', 3, 15, 'sql', 'select count(*) from t;'),
    ])]), FILE, PAGE);
    const output = find(outputPanel(proof.steps[1]!)!, 'rb-stream__text')[0]!;
    expect(output.tagName).toBe('samp');
    expect(text(output)).toBe('\ngzip: unexpected end of file');
  });

  it('dates each run: a run the harness reused from its cache keeps the date it really ran', () => {
    const proof = pageProof(report([{ ...run(15), reusedFrom: '2026-11-25T10:02:00.000Z' }, run(18)]), FILE, PAGE);
    expect(proof.runs.map((r) => [r.major, r.verifiedAt, r.reused])).toEqual([
      [15, '2026-11-25T10:02:00.000Z', true], [18, '2026-11-27T04:54:56.810Z', false],
    ]);
    expect(badgeFor(proof)).toMatchObject({ date: '25 Nov 2026, 10:02 UTC to 27 Nov 2026, 04:54 UTC', dateIso: '2026-11-27T04:54:56.810Z' });
  });

  it('is stale when the page changed after the run, or when a report claims other text at the same place', () => {
    const edited = PAGE.replace('pg_dump appdb', 'pg_dump --verbose appdb');
    expect(pageProof(report([run(18)]), FILE, edited).problem?.kind).toBe('stale');
    // A forged report: the right hash, but it says something else ran.
    const forged = run(18, PAGE, [step('seed', 1, 7, 'bash', 'createdb appdb'), step('dump', 2, 11, 'bash', 'rm -rf /'), step('count', 3, 15, 'sql', 'select count(*) from t;')]);
    const proof = pageProof(report([forged]), FILE, PAGE);
    expect([proof.status, proof.problem?.message]).toEqual(['unverified', 'step 2 (line 11) is not the text the report says ran (report: `dump` at line 11)']);
    expect(proof.steps).toEqual([]);
  });

  it('is not verified when the report has no run of the page, or no version could run it', () => {
    expect(pageProof(report([]), FILE, PAGE).problem?.kind).toBe('missing');
    expect(pageProof(undefined, FILE, PAGE).problem?.kind).toBe('missing');
    const skipped = { ...run(18), status: 'skipped' as const, error: 'no PostgreSQL 18 here' };
    expect(pageProof(report([skipped]), FILE, PAGE).problem).toEqual({ kind: 'not-run', message: 'no version of PostgreSQL ran it (PostgreSQL 18: no PostgreSQL 18 here)' });
  });

  it('puts a page with nothing to run in no one\'s way', () => {
    const proof = pageProof(report([]), 'content/index.md', '---\ntitle: Home\n---\n\n```text\nhello\n```\n');
    expect([proof.status, proof.problem]).toEqual(['no-steps', undefined]);
  });
});

describe('the publishing check', () => {
  it('names every page whose proof does not hold, and how to fix it', () => {
    const problems = findProblems(report([run(18)]), [
      { file: FILE, source: PAGE.replace('select count', 'select  count') },
      { file: 'content/restore/new.md', source: PAGE },
      { file: 'content/index.md', source: '# Home\n' },
    ]);
    expect(problems.map((p) => [p.file, p.kind])).toEqual([['content/backup/example.md', 'stale'], ['content/restore/new.md', 'missing']]);
    const { message, hint } = describeProblems(problems, 'reports/verification.json');
    expect(message).toContain('Refusing to publish 2 page(s)');
    expect(message).toContain('  - content/restore/new.md: the verification report has no run of this page; re-verify it');
    expect(hint).toContain('RUNBOOKS_DRAFT=1');
  });

  it('is strict for builds and a draft for `astro dev`, unless told otherwise', () => {
    expect([draftFrom({}, 'build'), draftFrom({}, 'dev'), draftFrom({ RUNBOOKS_DRAFT: '1' }, 'build'), draftFrom({ RUNBOOKS_DRAFT: '0' }, 'dev')])
      .toEqual([false, true, true, false]);
    expect(pageKey('/tmp/copy/content', '/tmp/copy/content/backup/x.md')).toBe('content/backup/x.md');
  });
});

describe('trimming long output', () => {
  it('keeps short output whole', () => {
    expect(trimOutput('a\nb\n')).toEqual({ text: 'a\nb', totalLines: 2, shownLines: 2, trimmedLines: 0 });
  });

  it('keeps the first and last lines and every flagged line with its neighbours, and counts the rest', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`);
    lines[49] = 'ERROR:  relation "agents" already exists';
    const trimmed = trimOutput(`${lines.join('\n')}\n`);
    expect(trimmed.text.split('\n')).toEqual([
      ...lines.slice(0, 12), '[… 36 lines trimmed …]', 'line 49', 'ERROR:  relation "agents" already exists', 'line 51',
      '[… 37 lines trimmed …]', ...lines.slice(88),
    ]);
    expect([trimmed.shownLines, trimmed.trimmedLines]).toEqual([27, 73]);
  });
});

describe('the downloadable script', () => {
  const proof = pageProof(report([run(15), run(18)]), FILE, PAGE);
  const script = runbookScript(proof, { title: 'Example', url: '/backup/example/', commit: 'abc1234', draft: false });

  it('has the operator steps in order, SQL through psql, hidden steps out and skipped blocks commented', () => {
    expect(script).toContain('# Verified: every step ran and passed on PostgreSQL 15 and 18');
    expect(script).toContain('\nset -Eeuo pipefail\n');
    expect(script).not.toContain('createdb appdb');
    expect(script.indexOf('pg_dump appdb')).toBeLessThan(script.indexOf("psql -X -v ON_ERROR_STOP=1 -d appdb <<'SQL'\nselect count(*) from t;\nSQL"));
    expect(script).toContain('# ── NOT VERIFIED (page line 23): needs a bucket\n# aws s3 cp a s3://b/');
    expect(script).toContain(': "${BACKUP_DIR:?set BACKUP_DIR first (see the page)}"');
    execFileSync('bash', ['-n'], { input: script });
  });
});

describe('the matrix', () => {
  it('has one row per runbook and one cell per version, n/a where the runbook does not apply', () => {
    const r = { ...report([run(18)]), notApplicable: [{ file: FILE, major: 15, reason: 'applies to PostgreSQL 17 or later' }] };
    const matrix = buildMatrix(r, [{ title: 'Example', href: '/backup/example/', proof: pageProof(r, FILE, PAGE) }]);
    expect(matrix.rows[0]!.cells.map((c) => [c.major, c.kind, c.text])).toEqual([[15, 'not-applicable', 'n/a'], [18, 'passed', '✓ 1.0 s']]);
  });
});

describe('the environment line', () => {
  it('quotes what the shell would split, leaves out empty fields, and ignores foreign storage', () => {
    expect(exportLine({ PGHOST: 'db1', PGPORT: '', PGDATABASE: "o'neil db", BACKUP_DIR: '/srv/b' }))
      .toBe("export PGHOST=db1 PGDATABASE='o'\\''neil db' BACKUP_DIR=/srv/b");
    expect(exportLine({})).toBeUndefined();
    expect(readStored('{"PGHOST":"x","EVIL":"y","PGPORT":5}')).toEqual({ PGHOST: 'x' });
    expect(readStored('not json')).toEqual({});
  });
});
