import type { Runbook, Step } from '../model.ts';

export interface PlannedStep {
  step: Step;
  /** Exactly what the shell session receives. */
  script: string;
}

export interface Plan {
  runbook: Runbook;
  steps: PlannedStep[];
}

/** Wraps a single-quoted shell word. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A here-document delimiter that does not occur in the text. */
function delimiterFor(text: string): string {
  let delimiter = 'SQL';
  for (let n = 1; text.split('\n').some((line) => line === delimiter); n++) delimiter = `SQL_${n}`;
  return delimiter;
}

/**
 * SQL steps go to psql on stdin, as an operator pastes them: `-X` ignores any
 * ~/.psqlrc, `ON_ERROR_STOP=1` makes the first error fail the step with exit 3
 * (psql's default is to carry on and exit 0, the classic silent restore failure).
 */
export function scriptFor(step: Step): string {
  if (step.language === 'bash') return step.code;
  const database = step.database !== undefined ? ` -d ${shellQuote(step.database)}` : '';
  const delimiter = delimiterFor(step.code);
  return `psql -X -v ON_ERROR_STOP=1${database} <<'${delimiter}'\n${step.code}\n${delimiter}`;
}

/** Runbook → the steps in order with the exact text each one sends to the shell. */
export function planRunbook(runbook: Runbook): Plan {
  return { runbook, steps: runbook.steps.map((step) => ({ step, script: scriptFor(step) })) };
}
