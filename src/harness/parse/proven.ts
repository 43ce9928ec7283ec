import type { Diagnostic, RunbookSettings, Step } from '../model.ts';
import { diagnostic } from '../errors.ts';
import { findRestore, newRestoreContext, provesData } from './restores.ts';
import { positionInStep } from './scaffolding.ts';

/**
 * Every operator step that restores data needs a step after it that compares
 * the data, unless the page says why not (`runbook.unproven-restore`). Only
 * operator steps count as restores: a drill's restore stages the incident
 * and a proof's restore is itself the check; the reader's restore is the
 * page's claim. A restore the page expects to fail (`exit=3`) shows an
 * error, not a result. Needs the whole page, so it runs after the steps are read.
 */
export function checkRestoresProven(steps: readonly Step[], settings: RunbookSettings): Diagnostic[] {
  if (settings.unprovenRestore !== undefined) return [];
  const context = newRestoreContext();
  const restores = steps.map((step) => {
    const found = findRestore(step.code, context);
    return step.role === 'operator' && mayExitZero(step) ? found : undefined;
  });
  const lastProof = steps.findLastIndex(provesData);
  const diagnostics: Diagnostic[] = [];
  restores.forEach((found, index) => {
    if (!found || index < lastProof) return;
    diagnostics.push(diagnostic('UnprovenRestore',
      `Unexpected restore (${found.what}) with no step after it that compares the data, expected a fingerprint or a checked query later on the page`,
      positionInStep(steps[index]!.position, steps[index]!.code, found.offset)));
  });
  return diagnostics;
}

const mayExitZero = (step: Step): boolean => step.exit.kind === 'any' || (step.exit.kind === 'codes' && step.exit.codes.includes(0));
