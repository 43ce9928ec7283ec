/**
 * A ```estimate fence compares methods from the table a verified step printed,
 * scaled to the reader's sizes (src/site/estimate/compare.ts, methods.ts):
 * literal reports in the report's real shape, as in chart.test.ts. The
 * expected times are worked out here by hand from the table, not through the
 * site's code; the words ("about 8.5 min") are formatEstimate's documented
 * rounding.
 */
import { describe, expect, it } from 'vitest';
import type { Element, ElementContent } from 'hast';
import type { Report, RunbookReport, StepReport } from '../../src/harness/report/format.ts';
import { pageProof, sha256 } from '../../src/site/proof/page-proof.ts';
import { ChartError } from '../../src/site/proof/chart.ts';
import { classifyFence } from '../../src/site/fences.ts';
import { compareFigure, compareSpec, EstimateFenceError, measuredText, parseMethods, phasesIn } from '../../src/site/estimate/compare.ts';
import { cellText, columnSeconds, phaseSeconds, type Phase } from '../../src/site/estimate/methods.ts';
import { DEFAULT_SIZE_GB, ESTIMATE_CAVEAT, formatEstimate } from '../../src/site/estimate/estimate.ts';
import { METHODS_TABLE_LINES } from './estimate-fence-table.ts';

const FILE = 'content/backup/example.md';
const PAGE = [
  '---', 'title: Example', '---', '',
  '```bash run id=methods', 'measure every method', '```', '', // line 5
  '```estimate step=methods title="Backup and recovery time on your database"', 'On your hardware, time it.', '```', '', // line 9
].join('\n');
const WHERE = `${FILE}:9`;
const TABLE = METHODS_TABLE_LINES.join('\n');

function run(major: number, stdout: string, status: StepReport['status'] = 'passed'): RunbookReport {
  const step: StepReport = {
    id: 'methods', index: 1, line: 5, column: 1, language: 'bash', hidden: false, code: 'measure every method', executed: 'measure every method',
    status, exitCode: status === 'passed' ? 0 : 1, durationMs: 10, stdout, stderr: '', truncated: false, failures: [],
  };
  return {
    file: FILE, title: 'Example', sourceHash: sha256(PAGE), status: status === 'passed' ? 'passed' : 'failed', error: null, sandbox: 'docker', major,
    server: { version: `PostgreSQL ${major}.2 (Debian ${major}.2-1) on x86_64-pc-linux-gnu`, major, source: `postgres:${major}` }, extraServers: {}, reusedFrom: null,
    durationMs: 1000, steps: [step], unverified: [],
  };
}

function report(runs: RunbookReport[]): Report {
  return {
    version: 1, generatedAt: '2026-12-01T04:54:56.810Z', harness: { node: 'v24', platform: 'linux-x64' }, sandbox: 'docker',
    majors: runs.map((r) => r.major), interrupted: false,
    summary: { runs: runs.length, passed: runs.length, failed: 0, skipped: 0, reused: 0, steps: runs.length, stepsPassed: runs.length, stepsFailed: 0, stepsNotRun: 0, unverifiedBlocks: 0, durationMs: 2000 },
    runbooks: runs, notApplicable: [],
  };
}

const text = (node: ElementContent): string => (node.type === 'text' ? node.value : node.type === 'element' ? node.children.map(text).join('') : '');
const all = (node: Element, test: (e: Element) => boolean): Element[] => node.children.flatMap((c) => (c.type !== 'element' ? []
  : [...(test(c) ? [c] : []), ...all(c, test)]));
const byClass = (node: Element, className: string) => all(node, (e) => (e.properties.className as string[] | undefined)?.includes(className) ?? false);
const spec = (meta: string, body = '') => compareSpec(classifyFence('estimate', meta).attrs, body, WHERE);
const phase = (p: Partial<Phase>): Phase => ({ phase: 'restore', seconds: 1, mb: 1, scales: 'database', ...p });
const GB = 1024;

describe('the arithmetic of a comparison of methods', () => {
  it('scales database and WAL phases linearly with the reader\'s sizes (1 GB = 1024 MB), and keeps fixed ones as measured', () => {
    const sizes = { database: 10, wal: 2 };
    expect(phaseSeconds(phase({ seconds: 3.1, mb: 61 }), sizes)).toBeCloseTo(3.1 * (10 * GB) / 61, 9);
    expect(phaseSeconds(phase({ phase: 'replay', seconds: 2, mb: 48, scales: 'wal' }), sizes)).toBeCloseTo(2 * (2 * GB) / 48, 9);
    expect(phaseSeconds(phase({ phase: 'promote', seconds: 0.4, mb: 0, scales: 'fixed' }), sizes)).toBe(0.4);
    expect(phaseSeconds(phase({ phase: 'promote', seconds: 0.4, mb: 0, scales: 'fixed' }), { database: Number.NaN, wal: Number.NaN })).toBe(0.4);
    expect(phaseSeconds(phase({ seconds: 3, mb: 61 }), { database: 0, wal: 0 })).toBe(0);
  });

  it('gives no figure for an empty or negative size, only for the phases that need it', () => {
    expect(phaseSeconds(phase({}), { database: Number.NaN, wal: 1 })).toBeNaN();
    expect(phaseSeconds(phase({}), { database: -1, wal: 1 })).toBeNaN();
    expect(phaseSeconds(phase({ scales: 'wal' }), { database: Number.NaN, wal: 1 })).toBe(1024);
    expect(cellText([phase({})], { database: Number.NaN, wal: 1 })).toBe(formatEstimate(Number.NaN));
  });

  it('sums a column\'s phases one after the other, and says "—" for a column the method has none in', () => {
    const sizes = { database: 1, wal: 0.5 };
    const recovery = [phase({ seconds: 0.5, mb: 64 }), phase({ phase: 'replay', seconds: 2, mb: 32, scales: 'wal' }), phase({ phase: 'promote', seconds: 0.25, scales: 'fixed' })];
    expect(columnSeconds(recovery, sizes)).toBeCloseTo(0.5 * 16 + 2 * 16 + 0.25, 9);
    expect(columnSeconds([], sizes)).toBeUndefined();
    expect(cellText([], sizes)).toBe('—');
    expect(cellText(recovery, sizes)).toBe('about 40 s');
  });
});

describe('the table an estimate fence reads', () => {
  it('groups rows by method in first-appearance order; backup is one column, every other phase the recovery', () => {
    const shuffled = TABLE.split('\n');
    // The standby's promote printed between the PITR rows: PITR still comes second, its rows still together.
    shuffled.splice(6, 0, shuffled.pop()!);
    const { methods, notes } = parseMethods(shuffled.join('\n'), WHERE, 'methods');
    expect(notes).toEqual(['2 CPUs, 24 GiB RAM; 17.2 (Debian 17.2-1)']);
    expect(methods.map((m) => m.name)).toEqual(['pg_dump + pg_restore', 'PITR (base backup + WAL archive)', 'streaming standby']);
    const pitr = methods[1]!;
    expect(phasesIn(pitr, 'backup')).toEqual([{ phase: 'backup', seconds: 1.2, mb: 61, scales: 'database' }]);
    expect(phasesIn(pitr, 'recovery')).toEqual([
      { phase: 'restore', seconds: 0.5, mb: 61, scales: 'database' },
      { phase: 'replay', seconds: 2, mb: 48, scales: 'wal' },
    ]);
    expect(phasesIn(methods[2]!, 'backup')).toEqual([]);
    expect(phasesIn(methods[2]!, 'recovery')).toEqual([{ phase: 'promote', seconds: 0.4, mb: 0, scales: 'fixed' }]);
  });

  it('says what was measured under each estimate', () => {
    const { methods } = parseMethods(TABLE, WHERE, 'methods');
    expect(measuredText(phasesIn(methods[0]!, 'backup'))).toBe('measured here: 3.1 s on 61 MB');
    expect(measuredText(phasesIn(methods[1]!, 'recovery'))).toBe('measured here: restore 0.5 s on 61 MB + replay 2.0 s on 48 MB of WAL');
    expect(measuredText(phasesIn(methods[2]!, 'recovery'))).toBe('measured here: promote 0.4 s, whatever the size');
    expect(measuredText([])).toBe('not part of this method');
  });

  it('stops the build, naming the page, the line and the fence, for a table it cannot read', () => {
    const header = 'method\tphase\tseconds\tmb\tscales';
    const fails = (body: string) => () => parseMethods(`${header}\n${body}`, WHERE, 'methods');
    const fence = `${WHERE}: the \`\`\`estimate fence of step "methods"`;
    expect(fails('dump\tbackup\t3\t0\tdatabase')).toThrow(`${fence}, row 1 (dump | backup | 3 | 0 | database): mb is "0"; a phase that scales with the database needs the MB it processed (> 0)`);
    expect(fails('dump\treplay\t3\t-5\twal')).toThrow(`${fence}, row 1 (dump | replay | 3 | -5 | wal): mb is "-5"; a phase that scales with the wal needs`);
    expect(fails('dump\tbackup\t3\t61\tlinear')).toThrow(`${fence}, row 1 (dump | backup | 3 | 61 | linear): scales is "linear"; it must be one of database, wal, fixed`);
    expect(fails('dump\tbackup\tquick\t61\tdatabase')).toThrow(`${fence}, row 1 (dump | backup | quick | 61 | database): seconds is "quick", not a number of seconds`);
    expect(fails('dump\tbackup\t-1\t61\tdatabase')).toThrow('seconds is "-1", not a number of seconds');
    expect(fails('a\tbackup\t1\t1\tdatabase\ndump\tbackup\t3')).toThrow(`${fence}, row 2 (dump | backup | 3 |  | ): no scales`);
    expect(() => parseMethods('method\tphase\tseconds\nx\tbackup\t1', WHERE, 'methods'))
      .toThrow(`${fence}: the step printed the columns method, phase, seconds; it needs method, phase, seconds, mb, scales (missing: mb, scales)`);
    expect(() => parseMethods(`# nothing measured\n${header}\n`, WHERE, 'methods')).toThrow(`${fence}: the step printed a header but no rows`);
    // A fixed phase needs no MB.
    expect(parseMethods(`${header}\nstandby\tpromote\t0.4\t\tfixed`, WHERE, 'methods').methods[0]!.phases).toEqual([{ phase: 'promote', seconds: 0.4, mb: 0, scales: 'fixed' }]);
    // The build's error is a chart error, which stops it the same way.
    expect(fails('dump\tbackup\t3\t0\tdatabase')).toThrow(EstimateFenceError);
    expect(fails('dump\tbackup\t3\t0\tdatabase')).toThrow(ChartError);
  });

  it('stops the build for a fence without a step, or naming a step the page does not have', () => {
    expect(() => spec('title="x"')).toThrow(`${WHERE}: an estimate fence needs step=<id of the step that prints the methods table>`);
    const proof = pageProof(report([run(17, TABLE)]), FILE, PAGE);
    expect(() => compareFigure(spec('step=method'), proof, WHERE)).toThrow(`${WHERE}: the \`\`\`estimate fence reads step "method", but this page has no step with that id`);
    // A malformed table is found when the page is built from a report where the step printed it.
    const bad = pageProof(report([run(17, TABLE.replace('61.0\tdatabase', '0\tdatabase'))]), FILE, PAGE);
    expect(() => compareFigure(spec('step=methods'), bad, WHERE)).toThrow(`${WHERE}: the \`\`\`estimate fence of step "methods", row 1`);
  });
});

describe('the comparison on the page', () => {
  it('shows one row per method, with the default size\'s estimates, what was measured, the run and the caveat', () => {
    expect(classifyFence('estimate', 'step=methods').kind).toBe('estimate');
    const proof = pageProof(report([run(15, TABLE.replace('3.10', '9.90')), run(17, TABLE)]), FILE, PAGE);
    const figure = compareFigure(spec('step=methods title="Backup and recovery time on your database"', 'On your hardware, time it.\n'), proof, WHERE);
    expect(figure.properties.dataRbCompare).toBe('methods');
    expect(text(byClass(figure, 'rb-compare__title')[0]!)).toBe('Backup and recovery time on your database');
    expect(all(figure, (e) => e.tagName === 'th' && e.properties.scope === 'col').map(text)).toEqual(['Method', 'Backup', 'Recovery (RTO)']);
    const inputs = all(figure, (e) => e.tagName === 'input');
    expect(inputs.map((i) => [i.properties.type, i.properties.dataRbEstimateOf, i.properties.value])).toEqual([
      ['number', 'database', String(DEFAULT_SIZE_GB)], ['number', 'wal', String(DEFAULT_SIZE_GB)],
    ]);
    expect(all(figure, (e) => e.tagName === 'label').map(text)).toEqual(['Your database size (GB)', 'WAL to replay (GB)']);
    // By hand, at 10 GB of database and 10 GB of WAL, from the newest version's (17's) table.
    const at = (seconds: number, mb: number, gb = DEFAULT_SIZE_GB) => seconds * (gb * GB) / mb;
    const rows = all(figure, (e) => e.tagName === 'tr' && e.properties.dataRbCompareMethod !== undefined);
    expect(rows.map((r) => all(r, (e) => e.tagName === 'th' || e.tagName === 'output').map(text))).toEqual([
      ['pg_dump + pg_restore', formatEstimate(at(3.1, 61)), formatEstimate(at(8.2, 61))],
      ['PITR (base backup + WAL archive)', formatEstimate(at(1.2, 61)), formatEstimate(at(0.5, 61) + at(2, 48))],
      ['streaming standby', '—', 'under a second'],
    ]);
    expect(formatEstimate(at(3.1, 61))).toBe('about 8.7 min');
    expect(byClass(rows[0]!, 'rb-compare__measured').map(text)).toEqual(['measured here: 3.1 s on 61 MB', 'measured here: restore 8.2 s on 61 MB']);
    // The browser recomputes from the phases each cell carries.
    expect(JSON.parse(all(rows[1]!, (e) => e.properties.dataRbCompareCell === 'recovery')[0]!.properties.dataRbComparePhases as string))
      .toEqual([{ phase: 'restore', seconds: 0.5, mb: 61, scales: 'database' }, { phase: 'replay', seconds: 2, mb: 48, scales: 'wal' }]);
    const caption = text(all(figure, (e) => e.tagName === 'figcaption')[0]!);
    expect(caption).toBe(`On your hardware, time it. Measured by this page's step "methods" on PostgreSQL 17.2 (Debian 17.2-1), 2026-12-01 (docker sandbox).${ESTIMATE_CAVEAT}2 CPUs, 24 GiB RAM; 17.2 (Debian 17.2-1)`);
  });

  it('shows `code` in the caption as code, and the rest as the plain text it is', () => {
    const figure = compareFigure(spec('step=methods', 'Up to a day of WAL (`pg_stat_wal.wal_bytes`), *not* more.'), pageProof(report([run(17, TABLE)]), FILE, PAGE), WHERE);
    const caption = all(figure, (e) => e.tagName === 'figcaption')[0]!;
    expect(all(caption, (e) => e.tagName === 'code').map(text)).toEqual(['pg_stat_wal.wal_bytes']);
    expect(text(caption)).toMatch(/^Up to a day of WAL \(pg_stat_wal\.wal_bytes\), \*not\* more\. Measured by/);
  });

  it('asks for no WAL size when no method replays WAL', () => {
    const table = TABLE.split('\n').filter((l) => !l.includes('\twal')).join('\n');
    const figure = compareFigure(spec('step=methods'), pageProof(report([run(17, table)]), FILE, PAGE), WHERE);
    expect(all(figure, (e) => e.tagName === 'input').map((i) => i.properties.dataRbEstimateOf)).toEqual(['database']);
  });

  it('shows no figures, and says so, when no verified run measured them', () => {
    const notMeasured = (figure: Element) => {
      expect(all(figure, (e) => e.tagName === 'table' || e.tagName === 'input')).toEqual([]);
      expect(text(figure)).toContain('Not verified: no verified run of step "methods" measured these figures, so none are shown.');
      expect(byClass(figure, 'rb-chart__unverified')[0]!.properties.dataRbStatus).toBe('unverified');
    };
    notMeasured(compareFigure(spec('step=methods'), pageProof(report([run(17, TABLE, 'failed')]), FILE, PAGE), WHERE));
    notMeasured(compareFigure(spec('step=methods'), pageProof(report([run(17, TABLE)]), FILE, PAGE.replace('measure every method', 'measure less')), WHERE));
    notMeasured(compareFigure(spec('step=methods'), pageProof(undefined, FILE, PAGE), WHERE));
    notMeasured(compareFigure(spec('step=methods'), undefined, WHERE));
    // A failed newer version does not hide the figures an older one measured.
    const older = compareFigure(spec('step=methods'), pageProof(report([run(15, TABLE), run(17, TABLE, 'failed')]), FILE, PAGE), WHERE);
    expect(text(all(older, (e) => e.tagName === 'figcaption')[0]!)).toContain('on PostgreSQL 15.2');
  });
});
