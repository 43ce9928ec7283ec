/**
 * "How long will this take on my database?" under a step whose time grows
 * with the data: what it took here, and an estimate for the reader's size
 * from the rates the throughput page measured. Pure: proof and rates in, hast
 * out; the browser script (client.ts) only redoes the arithmetic as the
 * reader types.
 */
import type { Element } from 'hast';
import type { StepProof } from '../proof/page-proof.ts';
import { el } from '../proof/step-view.ts';
import { formatDuration } from '../proof/format.ts';
import { pageWork, stepWork, type Work } from './kind.ts';
import { THROUGHPUT_URL, type Rate, type Rates } from './throughput.ts';
import { combinedRate, DEFAULT_SIZE_GB, ESTIMATE_CAVEAT, estimateText, formatRate, type SizeOf } from './estimate.ts';

const SIZE_LABEL: Record<SizeOf, string> = {
  database: 'Your database size',
  wal: 'WAL to replay',
};

const sizeOf = (work: Work): SizeOf => (work.kind === 'wal-replay' ? 'wal' : 'database');

/** The step's data-sized work, reading earlier steps for a recovery they prepared. */
export function workOf(step: StepProof, pageSteps: StepProof[]): Work[] {
  const upTo = pageSteps.filter((s) => s.index <= step.index).sort((a, b) => a.index - b.index);
  if (upTo.at(-1) !== step) return stepWork(step);
  return pageWork(upTo).at(-1)!;
}

const day = (iso: string) => iso.slice(0, 10);

function sizeLine(size: SizeOf, rates: Rate[]): Element {
  const rate = combinedRate(rates.map((r) => r.mbPerSecond));
  const first = rates[0]!;
  const measured = rates.length === 1
    ? `${first.what}, on ${first.sizeLabel.replace(/^(cluster|WAL), /, '')}`
    : rates.map((r) => `${r.what} ${formatRate(r.mbPerSecond)}`).join(', then ');
  return el('p', { className: ['rb-estimate__line'], dataRbEstimateLine: size }, [
    el('label', {}, [
      `${SIZE_LABEL[size]}: `,
      el('input', {
        type: 'number', className: ['rb-estimate__size'], min: '0', step: 'any', inputMode: 'decimal',
        value: String(DEFAULT_SIZE_GB), dataRbEstimate: String(rate), dataRbEstimateOf: size,
      }),
      ' GB',
    ]),
    ' → ',
    el('output', { className: ['rb-estimate__result'], dataRbEstimateResult: '' }, [estimateText(DEFAULT_SIZE_GB, rate)]),
    ` at ${formatRate(rate)}${rates.length > 1 ? ' overall' : ''} (${measured}), measured by `,
    el('a', { href: THROUGHPUT_URL }, ['the throughput page']),
    ` (PostgreSQL ${first.major}, ${day(first.measuredAt)}).`,
  ]);
}

/**
 * The estimate under a step, or undefined when the step does no work that
 * grows with the data, or the throughput page measured none of its kinds.
 *
 * @param step an operator step of a proven page
 * @param rates ratesFromReport(report) of the report the site is built from
 * @param pageSteps the page's steps (PageProof.steps), so a recovery prepared
 *   in an earlier step is recognised when this one starts the server
 */
export function estimateNote(step: StepProof, rates: Rates, pageSteps: StepProof[] = [step]): Element | undefined {
  const work = workOf(step, pageSteps);
  const lines: Element[] = [];
  for (const size of ['database', 'wal'] as const) {
    const mine = work.filter((w) => sizeOf(w) === size);
    const found = mine.map((w) => rates[w.rate]).filter((r): r is Rate => r !== undefined);
    // Part of the work unmeasured would make the sum too small: say nothing rather than too little.
    if (mine.length > 0 && found.length === mine.length) lines.push(sizeLine(size, found));
  }
  if (lines.length === 0) return undefined;
  const run = step.runs.filter((r) => r.status === 'passed').at(-1);
  const here = run
    ? ['How long on your system? This step took ', el('strong', {}, [formatDuration(run.durationMs)]),
      ` here on PostgreSQL ${run.major}, with the page's small sample data.`]
    : ['How long on your system?'];
  return el('aside', {
    className: ['rb-estimate', 'not-content'], dataRbEstimateKinds: work.map((w) => w.rate).join(' '),
    dataPagefindIgnore: '', ariaLabel: 'Time estimate',
  }, [
    el('p', { className: ['rb-estimate__here'] }, here),
    ...lines,
    el('p', { className: ['rb-estimate__caveat'] }, [ESTIMATE_CAVEAT]),
  ]);
}
