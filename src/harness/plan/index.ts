import type { Runbook, Step } from '../model.ts';
import { psqlScript } from '../text/index.ts';

export interface PlannedStep {
  step: Step;
  /** Exactly what the shell session receives. */
  script: string;
}

export interface Plan {
  runbook: Runbook;
  steps: PlannedStep[];
}

/** A shell step as written; a SQL step on psql's stdin (text/shell.ts says how). */
export function scriptFor(step: Step): string {
  return step.language === 'bash' ? step.code : psqlScript(step.code, step.database);
}

/** Runbook → the steps in order with the exact text each one sends to the shell. */
export function planRunbook(runbook: Runbook): Plan {
  return { runbook, steps: runbook.steps.map((step) => ({ step, script: scriptFor(step) })) };
}
