/**
 * A comparison of methods the reader can scale to their own database: a
 * ```estimate fence names a step that measured each method's phases, and the
 * page shows, per method, the time to take the backup and the time to
 * recover (RTO) at the reader's sizes. Pure: proof in, hast out; the
 * arithmetic is methods.ts's, which the browser (client.ts) redoes as the
 * reader types.
 *
 *     ```estimate step=methods title="Backup and recovery time on your database"
 *     Optional caption text.
 *     ```
 *
 * The step prints a tab-separated table (`#` lines are notes shown under it):
 *
 *     method	phase	seconds	mb	scales
 *     pg_dump + pg_restore	backup	3.10	61.0	database
 *     pg_dump + pg_restore	restore	8.20	61.0	database
 *     PITR (base backup + WAL archive)	replay	2.00	48.0	wal
 *     streaming standby	promote	0.40	0	fixed
 *
 * `phase` backup is the backup column; every other phase (restore, replay,
 * promote…) adds to the recovery column. `mb` is what the phase processed
 * (the database for `scales=database`, the WAL for `wal`); a `fixed` phase
 * takes its measured time whatever the size.
 */
import type { Element } from 'hast';
import type { PageProof, StepRun } from '../proof/page-proof.ts';
import { el } from '../proof/step-view.ts';
import { ChartError, fenceText, measuredLine, notMeasured, parseTable } from '../proof/chart.ts';
import { DEFAULT_SIZE_GB, ESTIMATE_CAVEAT, type SizeOf } from './estimate.ts';
import { cellText, columnOf, SCALES, type Column, type Phase, type Scales, type Sizes } from './methods.ts';

export interface CompareSpec {
  step: string;
  title?: string;
  caption?: string;
}

export interface Method {
  name: string;
  phases: Phase[];
}

export interface MethodTable {
  methods: Method[];
  notes: string[];
}

/** An authoring mistake in an estimate fence or in the table its step printed: the build stops and says where. */
export class EstimateFenceError extends ChartError {}

export const COLUMNS = ['method', 'phase', 'seconds', 'mb', 'scales'] as const;

/** The fence's attributes (already parsed by fences.ts) and body as a spec. */
export function compareSpec(attrs: Map<string, string | true>, body: string, where: string): CompareSpec {
  const text = (key: string): string | undefined => fenceText(attrs, key);
  const step = text('step');
  if (!step) {
    throw new EstimateFenceError(`${where}: an estimate fence needs step=<id of the step that prints the methods table>, e.g. \`\`\`estimate step=methods title="Backup and recovery time"`);
  }
  const spec: CompareSpec = { step };
  const title = text('title');
  if (title) spec.title = title;
  if (body.trim()) spec.caption = body.trim();
  return spec;
}

/**
 * The step's table as methods in first-appearance order, each with its phases.
 * @param where `file:line` of the fence, for errors
 * @throws EstimateFenceError for a missing column or cell, a non-numeric or
 *   negative `seconds`, an unknown `scales`, or a scaled row without a positive `mb`
 */
export function parseMethods(stdout: string, where: string, step: string): MethodTable {
  const table = parseTable(stdout);
  const fence = `${where}: the \`\`\`estimate fence of step "${step}"`;
  const missing = COLUMNS.filter((c) => !table.columns.includes(c));
  if (missing.length > 0) {
    throw new EstimateFenceError(`${fence}: the step printed the columns ${table.columns.join(', ') || '(none)'}; it needs ${COLUMNS.join(', ')} (missing: ${missing.join(', ')})`);
  }
  if (table.rows.length === 0) throw new EstimateFenceError(`${fence}: the step printed a header but no rows`);
  const methods = new Map<string, Method>();
  table.rows.forEach((row, i) => {
    const at = `${fence}, row ${i + 1} (${COLUMNS.map((c) => row[c]).join(' | ')})`;
    const empty = COLUMNS.filter((c) => c !== 'mb' && (row[c] ?? '').trim() === '');
    if (empty.length > 0) throw new EstimateFenceError(`${at}: no ${empty.join(', ')}`);
    const scales = row.scales!.trim();
    if (!(SCALES as readonly string[]).includes(scales)) {
      throw new EstimateFenceError(`${at}: scales is "${scales}"; it must be one of ${SCALES.join(', ')}`);
    }
    const seconds = Number(row.seconds);
    if (row.seconds!.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
      throw new EstimateFenceError(`${at}: seconds is "${row.seconds}", not a number of seconds`);
    }
    const mb = (row.mb ?? '').trim() === '' ? Number.NaN : Number(row.mb);
    if (scales !== 'fixed' && !(mb > 0)) {
      throw new EstimateFenceError(`${at}: mb is "${row.mb ?? ''}"; a phase that scales with the ${scales} needs the MB it processed (> 0)`);
    }
    const name = row.method!.trim();
    const method = methods.get(name) ?? { name, phases: [] };
    methods.set(name, method);
    method.phases.push({ phase: row.phase!.trim(), seconds, mb: Number.isFinite(mb) ? mb : 0, scales: scales as Scales });
  });
  return { methods: [...methods.values()], notes: table.notes };
}

/** A method's phases in one column. */
export const phasesIn = (method: Method, column: Column): Phase[] => method.phases.filter((p) => columnOf(p.phase) === column);

const DEFAULT_SIZES: Sizes = { database: DEFAULT_SIZE_GB, wal: DEFAULT_SIZE_GB };

/** "3.1 s", "0.40 s", "12 s", "140 s". */
function measuredSeconds(n: number): string {
  const digits = n >= 10 ? 0 : n >= 0.1 ? 1 : 2;
  return `${n.toFixed(digits)} s`;
}

const mbText = (mb: number) => `${Number(mb.toFixed(1))} MB`;

/** "3.1 s on 61 MB", "2.0 s on 48 MB of WAL", "0.4 s, whatever the size". */
function measuredPhase(p: Phase): string {
  if (p.scales === 'fixed') return `${measuredSeconds(p.seconds)}, whatever the size`;
  return `${measuredSeconds(p.seconds)} on ${mbText(p.mb)}${p.scales === 'wal' ? ' of WAL' : ''}`;
}

/** What the step measured for a column, shown under the estimate. */
export function measuredText(phases: Phase[]): string {
  if (phases.length === 0) return 'not part of this method';
  const named = phases.length > 1 || phases[0]!.phase !== 'backup';
  return `measured here: ${phases.map((p) => `${named ? `${p.phase} ` : ''}${measuredPhase(p)}`).join(' + ')}`;
}

function cell(method: Method, column: Column): Element {
  const phases = phasesIn(method, column);
  return el('td', { dataRbCompareCell: column, dataRbComparePhases: JSON.stringify(phases) }, [
    el('output', { className: ['rb-compare__result'] }, [cellText(phases, DEFAULT_SIZES)]),
    el('span', { className: ['rb-compare__measured'] }, [measuredText(phases)]),
  ]);
}

const SIZE_LABEL: Record<SizeOf, string> = {
  database: 'Your database size (GB)',
  wal: 'WAL to replay (GB)',
};

function sizeInput(size: SizeOf): Element {
  return el('label', { className: ['rb-compare__size'] }, [
    el('span', {}, [SIZE_LABEL[size]]),
    el('input', {
      type: 'number', className: ['rb-estimate__size'], min: '0', step: 'any', inputMode: 'decimal',
      value: String(DEFAULT_SIZE_GB), dataRbEstimateOf: size,
    }),
  ]);
}

function figure(spec: CompareSpec, children: Element[]): Element {
  const heading = spec.title ? [el('p', { className: ['rb-compare__title'] }, [spec.title])] : [];
  return el('figure', { className: ['rb-compare', 'not-content'], dataRbCompare: spec.step, dataPagefindIgnore: '' }, [...heading, ...children]);
}

/** The fence's body as plain text, with `code` spans (the one Markdown a caption of settings and views needs). */
export function captionText(caption: string): (Element | string)[] {
  return caption.split(/(`[^`\n]+`)/).filter((part) => part !== '')
    .map((part) => (/^`[^`]+`$/.test(part) ? el('code', {}, [part.slice(1, -1)]) : part));
}

/** The newest version on which the step passed: its table is the one shown. */
function measuredRun(proof: PageProof, step: string): StepRun | undefined {
  return proof.steps.find((s) => s.id === step)?.runs.filter((r) => r.status === 'passed').at(-1);
}

/**
 * @param where `file:line` of the fence, for errors
 * @throws EstimateFenceError when the fence names a step the page lacks, or the step's table is malformed
 */
export function compareFigure(spec: CompareSpec, proof: PageProof | undefined, where: string): Element {
  if (proof && proof.blocks.length > 0 && !proof.blocks.some((b) => b.info.kind === 'step' && b.info.id === spec.step)) {
    throw new EstimateFenceError(`${where}: the \`\`\`estimate fence reads step "${spec.step}", but this page has no step with that id`);
  }
  const run = proof && (proof.status === 'verified' || proof.status === 'failed') ? measuredRun(proof, spec.step) : undefined;
  if (!run) return figure(spec, [notMeasured(spec.step)]);
  const { methods, notes } = parseMethods(run.stdout, where, spec.step);
  const sizes: SizeOf[] = methods.some((m) => m.phases.some((p) => p.scales === 'wal')) ? ['database', 'wal'] : ['database'];
  const rows = methods.map((method) => el('tr', { dataRbCompareMethod: method.name }, [
    el('th', { scope: 'row' }, [method.name]),
    cell(method, 'backup'),
    cell(method, 'recovery'),
  ]));
  const caption: (Element | string)[] = [
    ...(spec.caption ? [...captionText(spec.caption), ' '] : []),
    measuredLine(proof!, run, spec.step),
    el('br', {}), el('span', { className: ['rb-compare__caveat'] }, [ESTIMATE_CAVEAT]),
  ];
  for (const note of notes) caption.push(el('br', {}), note);
  return figure(spec, [
    el('div', { className: ['rb-compare__sizes'] }, sizes.map(sizeInput)),
    el('div', { className: ['rb-compare__scroll'] }, [
      el('table', { className: ['rb-compare__table'] }, [
        el('thead', {}, [el('tr', {}, [
          el('th', { scope: 'col' }, ['Method']),
          el('th', { scope: 'col' }, ['Backup']),
          el('th', { scope: 'col' }, ['Recovery (RTO)']),
        ])]),
        el('tbody', {}, rows),
      ]),
    ]),
    el('figcaption', {}, caption),
  ]);
}
