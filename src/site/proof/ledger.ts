/**
 * The failover figures a page measured: every step whose output is an
 * `ack-ledger check` report (scripts/ack-ledger) gives, per PostgreSQL
 * version, how many acknowledged commits the new primary lacked (the RPO, in
 * transactions) and the longest time the client went without an acknowledged
 * commit (the RTO as the application saw it). Pure: read from the report's
 * captured output, never typed into a page, so the figures shown are the ones
 * of the runs the badge describes.
 */
import type { PageProof, StepRun } from './page-proof.ts';

export interface LedgerFigures {
  major: number;
  acknowledged: number;
  lost: number;
  /** Seconds, as ack-ledger printed them (one decimal). */
  gapSeconds: number;
}

export interface LedgerStep {
  id: string;
  /** The step's title on the page, else its id. */
  title: string;
  /** One entry per version whose run of the step passed and printed a report, ascending. */
  runs: LedgerFigures[];
}

const ACKNOWLEDGED = /^acknowledged: (\d+)$/m;
const LOST = /^lost: (\d+)\b/m;
const GAP = /^longest gap without an acknowledged commit: (\d+(?:\.\d+)?) s\b/m;

/** The figures of one `ack-ledger check` output, or undefined when it is not one. */
export function parseLedgerCheck(stdout: string): Omit<LedgerFigures, 'major'> | undefined {
  const acknowledged = ACKNOWLEDGED.exec(stdout)?.[1];
  const lost = LOST.exec(stdout)?.[1];
  const gap = GAP.exec(stdout)?.[1];
  if (acknowledged === undefined || lost === undefined || gap === undefined) return undefined;
  return { acknowledged: Number(acknowledged), lost: Number(lost), gapSeconds: Number(gap) };
}

function figuresOf(run: StepRun): LedgerFigures | undefined {
  // A failed run's output is not a measurement the page stands by; a truncated one may be cut mid-report.
  if (run.status !== 'passed' || run.truncated) return undefined;
  const figures = parseLedgerCheck(run.stdout);
  return figures && { major: run.major, ...figures };
}

export function ledgerSteps(proof: PageProof): LedgerStep[] {
  return proof.steps.flatMap((step) => {
    const runs = step.runs.map(figuresOf).filter((f): f is LedgerFigures => f !== undefined);
    if (runs.length === 0) return [];
    const block = proof.blocks.find((b) => b.info.kind === 'step' && b.line === step.line);
    return [{ id: step.id, title: block?.info.title ?? step.id, runs }];
  });
}
