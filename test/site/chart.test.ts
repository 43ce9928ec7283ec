/**
 * Charts are drawn only from what a verified step printed (src/site/proof/chart.ts):
 * literal reports in the report's real shape, as in proof.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Element, ElementContent } from 'hast';
import type { Report, RunbookReport, StepReport } from '../../src/harness/report/format.ts';
import { pageProof, sha256 } from '../../src/site/proof/page-proof.ts';
import { chartFigure, chartSpec, ChartError, parseTable } from '../../src/site/proof/chart.ts';
import { classifyFence } from '../../src/site/fences.ts';

const FILE = 'content/reference/example.md';
const PAGE = [
  '---', 'title: Example', '---', '',
  '```bash run id=times', 'measure everything', '```', '', // line 5
  '```chart step=times value=seconds label=method group=size unit=s title="Dump time"', '```', '',
].join('\n');
const TABLE = [
  '# 2 CPUs, 24 GiB RAM; 18.1',
  'size\tmethod\tseconds\tmb',
  '16 MB\tplain\t0.50\t12.0',
  '16 MB\tcustom\t1.00\t2.5',
  '75 MB\tplain\t2.00\t60.1',
  '75 MB\tcustom\tnot a number\t0',
].join('\n');

function run(major: number, stdout: string, status: StepReport['status'] = 'passed'): RunbookReport {
  const step: StepReport = {
    id: 'times', index: 1, line: 5, column: 1, language: 'bash', hidden: false, code: 'measure everything', executed: 'measure everything',
    status, exitCode: status === 'passed' ? 0 : 1, durationMs: 10, stdout, stderr: '', truncated: false, failures: [],
  };
  return {
    file: FILE, title: 'Example', sourceHash: sha256(PAGE), status: status === 'passed' ? 'passed' : 'failed', error: null, sandbox: 'docker', major,
    server: { version: `PostgreSQL ${major}.1 on x86_64-pc-linux-gnu`, major, source: `postgres:${major}` }, extraServers: {}, reusedFrom: null,
    durationMs: 1000, steps: [step], unverified: [],
  };
}

function report(runs: RunbookReport[]): Report {
  return {
    version: 1, generatedAt: '2026-11-27T04:54:56.810Z', harness: { node: 'v24', platform: 'linux-x64' }, sandbox: 'docker',
    majors: runs.map((r) => r.major), interrupted: false,
    summary: { runs: runs.length, passed: runs.length, failed: 0, skipped: 0, reused: 0, steps: runs.length, stepsPassed: runs.length, stepsFailed: 0, stepsNotRun: 0, unverifiedBlocks: 0, durationMs: 2000 },
    runbooks: runs, notApplicable: [],
  };
}

const text = (node: ElementContent): string => (node.type === 'text' ? node.value : node.type === 'element' ? node.children.map(text).join('') : '');
const find = (node: Element, className: string): Element[] => node.children.flatMap((c) => (c.type !== 'element' ? []
  : [...((c.properties.className as string[] | undefined)?.includes(className) ? [c] : []), ...find(c, className)]));
const spec = (meta: string) => chartSpec(classifyFence('chart', meta).attrs, '', `${FILE}:9`);

describe('charts of measured figures', () => {
  it('reads a tab-separated table with notes', () => {
    expect(parseTable(TABLE)).toEqual({
      columns: ['size', 'method', 'seconds', 'mb'],
      notes: ['2 CPUs, 24 GiB RAM; 18.1'],
      rows: [
        { size: '16 MB', method: 'plain', seconds: '0.50', mb: '12.0' },
        { size: '16 MB', method: 'custom', seconds: '1.00', mb: '2.5' },
        { size: '75 MB', method: 'plain', seconds: '2.00', mb: '60.1' },
        { size: '75 MB', method: 'custom', seconds: 'not a number', mb: '0' },
      ],
    });
  });

  it('draws bars scaled to the largest value, from the newest version that passed, and says where the figures come from', () => {
    const proof = pageProof(report([run(17, TABLE.replace('2.00', '9.00')), run(18, TABLE)]), FILE, PAGE);
    const figure = chartFigure(spec('step=times value=seconds label=method group=size unit=s title="Dump time"'), proof, `${FILE}:9`);
    const rows = find(figure, 'rb-chart__row');
    expect(rows.map(text)).toEqual(['16 MB · plain0.50 s', '16 MB · custom1.00 s', '75 MB · plain2.00 s']);
    expect(find(figure, 'rb-chart__bar').map((b) => b.properties.style)).toEqual(['width: 25.0%', 'width: 50.0%', 'width: 100.0%']);
    expect(find(figure, 'rb-chart__bar--g1')).toHaveLength(1);
    const caption = text(figure.children.find((c) => c.type === 'element' && c.tagName === 'figcaption')!);
    expect(caption).toBe('Measured by this page\'s step "times" on PostgreSQL 18.1, 2026-11-27 (docker sandbox).2 CPUs, 24 GiB RAM; 18.1');
  });

  it('shows no figures, and says so, when no verified run measured them', () => {
    const failed = pageProof(report([run(18, TABLE, 'failed')]), FILE, PAGE);
    const figure = chartFigure(spec('step=times value=seconds'), failed, `${FILE}:9`);
    expect(find(figure, 'rb-chart__row')).toEqual([]);
    expect(text(figure)).toContain('Not verified: no verified run of step "times" measured these figures');
    const stale = pageProof(report([run(18, TABLE)]), FILE, PAGE.replace('measure everything', 'measure less'));
    expect(text(chartFigure(spec('step=times value=seconds'), stale, `${FILE}:9`))).toContain('Not verified');
    expect(text(chartFigure(spec('step=times value=seconds'), undefined, `${FILE}:9`))).toContain('Not verified');
  });

  it('stops the build, naming the fence, for a chart that names no step, a missing step or a missing column', () => {
    const proof = pageProof(report([run(18, TABLE)]), FILE, PAGE);
    expect(() => spec('value=seconds')).toThrow(new ChartError(`${FILE}:9: a chart needs step=<id of the step that prints the table> and value=<column to draw>, e.g. \`\`\`chart step=dump-times value=seconds label=format`));
    expect(() => chartFigure(spec('step=timez value=seconds'), proof, `${FILE}:9`)).toThrow(`${FILE}:9: the chart draws step "timez", but this page has no step with that id`);
    expect(() => chartFigure(spec('step=times value=secs'), proof, `${FILE}:9`)).toThrow(`${FILE}:9: step "times" printed the columns size, method, seconds, mb; the chart asks for "secs"`);
  });
});
