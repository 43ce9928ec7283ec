/**
 * Charts of figures a runbook measured: a ```chart fence names a step, and the
 * bars are drawn from the table that step printed in its verified run. The
 * numbers on the page are therefore never typed in: they change when, and
 * only when, the verification run measures again. Pure: proof in, hast out.
 *
 *     ```chart step=dump-times value=seconds label=format group=size unit=s title="pg_dump by format"
 *     Optional caption text.
 *     ```
 *
 * The step prints a tab-separated table: a header line naming the columns,
 * then one line per measurement. Lines starting with `#` are notes shown under
 * the chart (the machine, the data size).
 */
import type { Element } from 'hast';
import type { PageProof, StepRun } from './page-proof.ts';
import { el } from './step-view.ts';

export interface ChartSpec {
  step: string;
  value: string;
  label: string[];
  group?: string;
  unit?: string;
  title?: string;
  caption?: string;
}

export interface Table {
  columns: string[];
  rows: Record<string, string>[];
  notes: string[];
}

/** An authoring mistake in a chart fence: the build stops and says where. */
export class ChartError extends Error {}

export function parseTable(text: string): Table {
  const notes: string[] = [];
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) notes.push(line.replace(/^#\s?/, ''));
    else lines.push(line);
  }
  const [header, ...body] = lines;
  const columns = header === undefined ? [] : header.split('\t');
  const rows = body.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
  return { columns, rows, notes };
}

/** A fence attribute's text; undefined when absent, empty or given without a value. */
export function fenceText(attrs: Map<string, string | true>, key: string): string | undefined {
  const value = attrs.get(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The fence's attributes (already parsed by fences.ts) and body as a spec. */
export function chartSpec(attrs: Map<string, string | true>, body: string, where: string): ChartSpec {
  const text = (key: string): string | undefined => fenceText(attrs, key);
  const step = text('step');
  const value = text('value');
  if (!step || !value) {
    throw new ChartError(`${where}: a chart needs step=<id of the step that prints the table> and value=<column to draw>, e.g. \`\`\`chart step=dump-times value=seconds label=format`);
  }
  const spec: ChartSpec = { step, value, label: (text('label') ?? '').split(',').filter(Boolean) };
  const group = text('group');
  if (group) spec.group = group;
  const unit = text('unit');
  if (unit) spec.unit = unit;
  const title = text('title');
  if (title) spec.title = title;
  if (body.trim()) spec.caption = body.trim();
  return spec;
}

/** The newest version on which the step passed: its table is the one drawn. */
function measuredRun(proof: PageProof, step: string): StepRun | undefined {
  const found = proof.steps.find((s) => s.id === step);
  return found?.runs.filter((r) => r.status === 'passed').at(-1);
}

function formatValue(n: number, unit: string | undefined): string {
  const digits = n >= 100 ? 0 : n >= 10 ? 1 : 2;
  return `${n.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

function figure(spec: ChartSpec, children: Element[]): Element {
  const heading = spec.title ? [el('p', { className: ['rb-chart__title'] }, [spec.title])] : [];
  return el('figure', { className: ['rb-chart', 'not-content'], dataRbChart: spec.step, dataPagefindIgnore: '' }, [...heading, ...children]);
}

/** What a figure of measured numbers shows when no verified run measured them: no numbers, and why. */
export function notMeasured(step: string): Element {
  return el('p', { className: ['rb-chart__unverified'], dataRbStatus: 'unverified' }, [
    el('strong', {}, ['Not verified:']),
    ` no verified run of step "${step}" measured these figures, so none are shown.`,
  ]);
}

/** "Measured by this page's step "x" on PostgreSQL 18.1, 2026-11-27 (docker sandbox).": the run the figures come from. */
export function measuredLine(proof: PageProof, run: StepRun, step: string): string {
  const summary = proof.runs.find((r) => r.major === run.major);
  return [
    `Measured by this page's step "${step}" on ${summary?.serverVersion?.split(' on ')[0] ?? `PostgreSQL ${run.major}`}`,
    summary ? `, ${summary.verifiedAt.slice(0, 10)}` : '',
    proof.sandbox ? ` (${proof.sandbox} sandbox)` : '',
    '.',
  ].join('');
}

/**
 * @param where `file:line` of the fence, for errors
 * @throws ChartError when the fence names a step or column that does not exist
 */
export function chartFigure(spec: ChartSpec, proof: PageProof | undefined, where: string): Element {
  if (proof && proof.blocks.length > 0 && !proof.blocks.some((b) => b.info.kind === 'step' && b.info.id === spec.step)) {
    throw new ChartError(`${where}: the chart draws step "${spec.step}", but this page has no step with that id`);
  }
  const run = proof && (proof.status === 'verified' || proof.status === 'failed') ? measuredRun(proof, spec.step) : undefined;
  if (!run) return figure(spec, [notMeasured(spec.step)]);
  const table = parseTable(run.stdout);
  for (const column of [spec.value, ...spec.label, ...(spec.group ? [spec.group] : [])]) {
    if (!table.columns.includes(column)) {
      throw new ChartError(`${where}: step "${spec.step}" printed the columns ${table.columns.join(', ') || '(none)'}; the chart asks for "${column}"`);
    }
  }
  const points = table.rows
    .map((row) => ({ row, n: Number(row[spec.value]) }))
    .filter((p) => Number.isFinite(p.n));
  const max = Math.max(...points.map((p) => p.n), 0);
  const groups = spec.group ? [...new Set(points.map((p) => p.row[spec.group!]!))] : [''];
  const bars: Element[] = points.map(({ row, n }) => {
    const label = spec.label.length > 0 ? spec.label.map((c) => row[c]).join(' · ') : row[table.columns[0]!]!;
    const groupIndex = spec.group ? groups.indexOf(row[spec.group]!) : 0;
    const width = max > 0 ? (n / max) * 100 : 0;
    return el('div', { className: ['rb-chart__row'], role: 'listitem' }, [
      el('span', { className: ['rb-chart__label'] }, [spec.group ? `${row[spec.group]} · ${label}` : label]),
      el('span', { className: ['rb-chart__track'] }, [
        el('span', { className: ['rb-chart__bar', `rb-chart__bar--g${groupIndex % 4}`], style: `width: ${width.toFixed(1)}%` }),
      ]),
      el('span', { className: ['rb-chart__value'] }, [formatValue(n, spec.unit)]),
    ]);
  });
  const caption: (Element | string)[] = [measuredLine(proof!, run, spec.step)];
  for (const note of table.notes) caption.push(el('br', {}), note);
  if (spec.caption) caption.unshift(`${spec.caption} `);
  return figure(spec, [
    el('div', { className: ['rb-chart__bars'], role: 'list' }, bars),
    el('figcaption', {}, caption),
  ]);
}
