/**
 * The steps an operator runs, and nothing else: one selection shared by the
 * incident view, its "copy all steps" and the downloadable script, so the
 * three can never disagree. Pure.
 *
 * A step is in when it is shown (not `hidden`), its role is `operator`, it is
 * expected to succeed (`exit=0`), and it carries no sandbox-only setting. Its
 * text is what the harness sent to the shell (for SQL, the psql here-document
 * around the SQL the page shows), so pasting "copy all" into a terminal runs
 * what was verified, in page order.
 */
import { psqlScript } from '../harness/text/shell.ts';
import type { PageBlock } from './page-blocks.ts';
import { destructiveAction } from './destructive.ts';

export interface OperatorStep {
  /** 1-based number in the incident view (operator steps only). */
  number: number;
  /** The step's id as the report names it (`step-N` when the page gives none). */
  id: string;
  title?: string;
  block: PageBlock;
  /** The text the shell receives: the block's code, or for SQL the psql here-document. */
  script: string;
  /** Why a reader should stop and think before running it (a DROP, `--clean`, `rm`, a promotion), or undefined. */
  destructive?: string;
}

/** The text the harness sends to the shell for a step (src/harness/plan: scriptFor, same rule). */
export function stepScript(block: PageBlock): string {
  return block.language === 'sql' ? psqlScript(block.code, block.info.database) : block.code;
}

/** Why a step of the page is not an operator step to run on a real system, or undefined when it is. */
export function leftOut(block: PageBlock): string | undefined {
  if (block.info.role === 'drill') return 'a drill step: it stages the incident in the sandbox (faults, sample data); not for your system';
  if (block.info.role === 'proof') return 'a proof step: how the page checks itself (fingerprints, answer keys)';
  if (block.info.exit !== '0') return `it fails on purpose (exit ${block.info.exit}) to show an error`;
  if (block.info.sandboxOnly !== undefined) return `SANDBOX ONLY, not for production: ${block.info.sandboxOnly}`;
  return undefined;
}

export function stepId(block: PageBlock): string {
  return block.info.id ?? `step-${block.stepIndex}`;
}

/** The page's operator steps, numbered, in page order. */
export function operatorSteps(blocks: PageBlock[]): OperatorStep[] {
  const steps: OperatorStep[] = [];
  for (const block of blocks) {
    if (block.info.kind !== 'step' || block.info.hidden || leftOut(block) !== undefined) continue;
    const script = stepScript(block);
    const step: OperatorStep = { number: steps.length + 1, id: stepId(block), block, script };
    if (block.info.title !== undefined) step.title = block.info.title;
    const destructive = destructiveAction(block);
    if (destructive !== undefined) step.destructive = destructive;
    steps.push(step);
  }
  return steps;
}

/**
 * "Copy all steps": each step's text, ending in a newline, with one blank
 * line between steps. The byte-for-byte contract the browser test checks
 * against the report's `executed` texts.
 */
export function copyAllText(scripts: string[]): string {
  return scripts.map((s) => (s.endsWith('\n') ? s : `${s}\n`)).join('\n');
}
