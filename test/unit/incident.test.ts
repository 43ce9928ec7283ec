/**
 * The incident view's pure parts: which steps it shows and what it says
 * beside them (src/site/incident/). The browser half is in
 * test/site/incident-cases.ts.
 */
import { describe, expect, it } from 'vitest';
import { lookFor, parsedSteps, trimExpected } from '../../src/site/incident/look-for.ts';
import { doneKey, readDone, readEnvironment, writeDone } from '../../src/site/incident/storage.ts';
import { incidentModel, leftOutNote } from '../../src/site/incident/view.ts';
import { pageProof } from '../../src/site/proof/page-proof.ts';
import type { RunbookResult } from '../../src/harness/model.ts';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { formatReport } from '../../src/harness/report/format.ts';
import { expectation, makeOutcome } from './build.ts';

const FILE = 'content/example.md';
const PAGE = [
  '---', 'title: Example', '---', '',
  '```bash run id=seed hidden', '"$RUNBOOK_FIXTURES/load-fixture" appdb', '```', '',
  '```bash run id=dump title="Dump it" stderr-contains="done"', 'pg_dump -Fc appdb >"$BACKUP_DIR/appdb.dump"', 'echo done >&2', '```', '',
  '```bash run id=break role=drill', 'fault kill-server', '```', '',
  '```sql run id=count db=appdb', 'SELECT count(*) FROM orders;', '```', '',
  '```text output match=regex', '^ +count', '```', '',
  '```bash run id=oops exit=1', 'pg_restore --list missing.dump', '```', '',
  '```bash run id=prove role=proof', 'pg-fingerprint appdb > a', '```', '',
  '```bash run id=wipe', 'dropdb --if-exists "$TARGET_DB"', '```', '',
  '```text output', ...Array.from({ length: 20 }, (_, i) => `line ${i + 1}`), '```', '',
].join('\n');

describe('the incident view of a page', () => {
  const proof = pageProof(undefined, FILE, PAGE);
  const model = incidentModel(proof, parsedSteps(PAGE, FILE), 'abc1234');

  it('holds the operator steps only, numbered from 1, as the shell received them', () => {
    expect(model.steps.map((s) => [s.number, s.id, s.language])).toEqual([[1, 'dump', 'bash'], [2, 'count', 'sql'], [3, 'wipe', 'bash']]);
    expect(model.steps[1]!.script).toBe("psql -X -v ON_ERROR_STOP=1 -d appdb <<'SQL'\nSELECT count(*) FROM orders;\nSQL");
    expect(model.steps[1]!.database).toBe('appdb');
    expect(model.copyAll).toBe(`${model.steps.map((s) => `${s.script}\n`).join('\n')}`);
  });

  it('counts what it hides, and asks for the variables the steps read but never set', () => {
    expect(model.leftOut).toEqual({ drill: 1, proof: 2, failing: 1, sandboxOnly: 0 });
    expect(leftOutNote(model.leftOut)).toBe('Hidden here: 1 drill step (how the page stages the incident), 2 proof steps (how the page checks itself) and 1 step that fails on purpose to show an error.');
    expect(leftOutNote({ drill: 0, proof: 0, failing: 0, sandboxOnly: 0 })).toBeUndefined();
    expect(model.required).toEqual(['BACKUP_DIR', 'TARGET_DB']);
  });

  it('marks destructive steps; an unverified page says so once, in its verification line', () => {
    expect(model.steps.map((s) => s.destructive)).toEqual([undefined, undefined, 'dropdb']);
    expect(model.steps.map((s) => s.unproven)).toEqual([undefined, undefined, undefined]);
    expect(model.verified).toBe(false);
    expect(model.verification).toBe('Not verified: no verification report was found, commit abc1234');
  });

  it('on a page the report proves, marks the one step that failed on one version', () => {
    const { runbook } = parseRunbook(PAGE, FILE);
    const result = (major: number, failing?: string): RunbookResult => ({
      runbook: runbook!, status: failing ? 'failed' : 'passed', sandbox: 'local', major, durationMs: 1000,
      steps: runbook!.steps.map((step) => ({
        step, status: step.id === failing ? 'failed' : 'passed', failures: [],
        outcome: makeOutcome({ exitCode: step.exit.kind === 'codes' ? step.exit.codes[0]! : 1 }), executed: step.code,
      })),
    });
    const report = formatReport([result(15), result(17, 'count')], {
      generatedAt: new Date('2026-12-06T20:57:00Z'), durationMs: 2000, interrupted: false, node: 'v24', platform: 'linux',
      sandbox: 'local', majors: [15, 17], notApplicable: [],
    });
    const proven = incidentModel(pageProof(report, FILE, PAGE), parsedSteps(PAGE, FILE), 'abc1234');
    expect(proven.steps.map((s) => s.unproven)).toEqual([undefined, 'failed on PostgreSQL 17', undefined]);
    expect(proven.verification).toBe('Failed on PostgreSQL 17: step “count” (line 18) failed, run 6 Dec 2026, 20:57 UTC, commit abc1234');
  });

  it('says what to look for from the parser\'s expectations: attributes, output blocks, patterns, trimmed', () => {
    expect(model.steps[0]!.lookFor).toEqual([{ label: 'Error output (stderr) contains', text: 'done', pattern: false, omitted: 0 }]);
    expect(model.steps[1]!.lookFor).toEqual([{ label: 'Expected output, as a pattern (a regular expression)', text: '^ +count', pattern: true, omitted: 0 }]);
    const long = model.steps[2]!.lookFor[0]!;
    expect(long.omitted).toBe(9);
    expect(long.text.split('\n')).toEqual([...Array.from({ length: 9 }, (_, i) => `line ${i + 1}`), '[… 9 more lines: normal mode shows them all]', 'line 19', 'line 20']);
  });
});

describe('what to look for', () => {
  it('names each kind of expectation in words', () => {
    const labels = lookFor([
      expectation('contains', 'COPY 3'),
      expectation('contains', 'ERROR', { negate: true }),
      expectation('regex', 'x+', { stream: 'stderr' }),
      expectation('lines', 'a\nb', { shown: true, stream: 'combined' }),
      expectation('exact', 'ok', { shown: true }),
    ]).map((l) => [l.label, l.pattern]);
    expect(labels).toEqual([
      ['Output contains', false],
      ['Output does not contain', false],
      ['Error output (stderr) matches the pattern', true],
      ['Output (stdout and stderr) contains these lines, in this order (others may come between)', false],
      ['Expected output', false],
    ]);
  });

  it('keeps an expectation of up to 12 lines whole, and drops trailing blank lines', () => {
    const twelve = Array.from({ length: 12 }, (_, i) => String(i)).join('\n');
    expect(trimExpected(`${twelve}\n\n`)).toEqual({ text: twelve, omitted: 0 });
    expect(trimExpected(`${twelve}\n12`).omitted).toBe(2);
    expect(trimExpected(`${twelve}\n12`).text.split('\n')).toHaveLength(12);
  });

  it('shows none for a page that does not parse, rather than guessing', () => {
    expect(parsedSteps('```bash run exit=maybe\ntrue\n```\n', FILE).size).toBe(0);
  });
});

describe('what the view keeps in the browser', () => {
  it('stores ticked steps per page, and ignores what is not its own', () => {
    expect(doneKey('/pitr/point-in-time-recovery/')).toBe('proven-runbooks:done:/pitr/point-in-time-recovery/');
    expect([...readDone(writeDone(new Set(['b', 'a'])))]).toEqual(['a', 'b']);
    for (const bad of [null, '', '{', '{"a":1}', '[1, null]']) expect(readDone(bad).size).toBe(0);
  });

  it('reads any variable the environment panel stores, filled in only', () => {
    expect(readEnvironment('{"PGHOST":" db1 ","PGDATA":"/srv/pg","ARCHIVE":"","x y":"no","n":3}')).toEqual({ PGHOST: 'db1', PGDATA: '/srv/pg' });
    for (const bad of [null, 'nope', '[]', '"text"']) expect(readEnvironment(bad)).toEqual({});
  });
});
