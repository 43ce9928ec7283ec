/**
 * The incident view of a page: its operator steps and nothing else, with what
 * a reader needs beside each (what to look for, whether it destroys
 * something) and before them (the variables to set, how the page was
 * verified). Pure: the page's proof and the parser's steps in, plain data out;
 * src/components/IncidentView.astro lays it out.
 *
 * The selection and the "copy all" text come from src/site/operator-steps.ts,
 * the same as the downloadable script's, so the three never disagree.
 */
import type { Element } from 'hast';
import { estimateNote } from '../estimate/note.ts';
import { THROUGHPUT_FILE, type Rates } from '../estimate/throughput.ts';
import type { Step } from '../../harness/model.ts';
import { copyAllText, operatorSteps } from '../operator-steps.ts';
import { badgeFor } from '../proof/badge.ts';
import type { PageProof, StepProof } from '../proof/page-proof.ts';
import { plural } from '../proof/format.ts';
import { requiredVariables } from '../script.ts';
import { lookFor, type LookFor } from './look-for.ts';

export interface IncidentStep {
  number: number;
  id: string;
  title?: string;
  /** `sql` steps are shown as the psql here-document the harness ran. */
  language: 'bash' | 'sql';
  database?: string;
  /** What a reader pastes: the text the shell received. */
  script: string;
  destructive?: string;
  lookFor: LookFor[];
  /** How long it took here and an estimate for the reader's size (estimate/note.ts), for data-sized steps. */
  estimate?: Element;
  /** Set when the report does not show this exact step passing on every version that ran. */
  unproven?: string;
}

export interface LeftOut {
  drill: number;
  proof: number;
  /** Operator steps that fail on purpose to show an error. */
  failing: number;
  sandboxOnly: number;
}

export interface IncidentModel {
  steps: IncidentStep[];
  /** Exactly what "Copy all steps" puts on the clipboard. */
  copyAll: string;
  /** Variables the steps read and never set. */
  required: string[];
  leftOut: LeftOut;
  /** `Verified on PostgreSQL 13, 15 and 18, run 6 Dec 2026, 20:57 UTC, commit abc1234` or why not. */
  verification: string;
  verified: boolean;
}

/** Why one step is not proven when the page as a whole is (a page that is not says so once, in its verification line). */
function unproven(proof: PageProof, step: StepProof | undefined): string | undefined {
  if (proof.status !== 'verified' && proof.status !== 'failed') return undefined;
  if (!step) return 'the report has no run of this step';
  if (step.status === 'passed') return undefined;
  if (step.status === 'failed') return `failed on PostgreSQL ${step.runs.filter((r) => r.status === 'failed' || r.status === 'timed-out').map((r) => r.major).join(', ')}`;
  if (step.status === 'not-run') return 'never ran: an earlier step failed';
  return `ran on PostgreSQL ${step.runs.filter((r) => r.status !== 'not-run').map((r) => r.major).join(', ')} only`;
}

function leftOutCounts(proof: PageProof): LeftOut {
  const steps = proof.blocks.filter((b) => b.info.kind === 'step');
  return {
    drill: steps.filter((b) => b.info.role === 'drill').length,
    proof: steps.filter((b) => b.info.role === 'proof').length,
    failing: steps.filter((b) => b.info.role === 'operator' && b.info.exit !== '0').length,
    sandboxOnly: steps.filter((b) => b.info.role === 'operator' && b.info.exit === '0' && b.info.sandboxOnly !== undefined).length,
  };
}

/** `Hidden here: 4 drill steps, 3 proof steps and 1 step that fails on purpose.` or undefined when nothing is. */
export function leftOutNote(left: LeftOut): string | undefined {
  const parts = [
    left.drill > 0 ? `${plural(left.drill, 'drill step')} (how the page stages the incident)` : '',
    left.proof > 0 ? `${plural(left.proof, 'proof step')} (how the page checks itself)` : '',
    left.failing > 0 ? `${plural(left.failing, 'step')} that ${left.failing === 1 ? 'fails' : 'fail'} on purpose to show an error` : '',
    left.sandboxOnly > 0 ? `${plural(left.sandboxOnly, 'sandbox-only step')}` : '',
  ].filter(Boolean);
  if (parts.length === 0) return undefined;
  const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return `Hidden here: ${list}.`;
}

export function verificationLine(proof: PageProof, commit: string): string {
  const badge = badgeFor(proof);
  const parts = [badge.reason ? `${badge.headline}: ${badge.reason}` : badge.headline];
  if (badge.date) parts.push(`run ${badge.date}`);
  parts.push(`commit ${commit}`);
  return parts.join(', ');
}

/**
 * @param parsed the parser's steps by index (look-for.ts parsedSteps), for their expectations
 */
export function incidentModel(proof: PageProof, parsed: Map<number, Step>, commit: string, rates?: Rates): IncidentModel {
  const selected = operatorSteps(proof.blocks);
  const steps = selected.map((s): IncidentStep => {
    const index = s.block.stepIndex!;
    const why = unproven(proof, proof.steps[index - 1]);
    const proven = proof.steps[index - 1];
    // Same rule as the full page (remark-runbook-blocks.ts): only a step that passed here is timed.
    const estimate = rates && why === undefined && proven?.status === 'passed' && proof.file !== THROUGHPUT_FILE
      ? estimateNote(proven, rates, proof.steps) : undefined;
    return {
      number: s.number, id: s.id, language: s.block.language ?? 'bash', script: s.script,
      lookFor: lookFor(parsed.get(index)?.expectations ?? []),
      ...(s.title !== undefined ? { title: s.title } : {}),
      ...(s.block.info.database !== undefined ? { database: s.block.info.database } : {}),
      ...(s.destructive !== undefined ? { destructive: s.destructive } : {}),
      ...(why !== undefined ? { unproven: why } : {}),
      ...(estimate !== undefined ? { estimate } : {}),
    };
  });
  const scripts = steps.map((s) => s.script);
  return {
    steps, copyAll: copyAllText(scripts), required: requiredVariables(scripts),
    leftOut: leftOutCounts(proof), verification: verificationLine(proof, commit), verified: proof.status === 'verified',
  };
}
