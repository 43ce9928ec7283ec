import type { Runbook } from '../model.ts';

export interface MatrixEntry {
  runbook: Runbook;
  major: number;
}

export interface NotApplicable {
  runbook: Runbook;
  major: number;
  reason: string;
}

export function describeRange(range: { min?: number; max?: number }): string {
  if (range.min !== undefined && range.min === range.max) return `PostgreSQL ${range.min}`;
  if (range.min !== undefined && range.max !== undefined) return `PostgreSQL ${range.min}-${range.max}`;
  if (range.min !== undefined) return `PostgreSQL ${range.min} or later`;
  if (range.max !== undefined) return `PostgreSQL ${range.max} or earlier`;
  return 'any PostgreSQL';
}

/**
 * Runbooks × versions: each runbook once per requested major version that its
 * frontmatter allows (`postgres: ">=17"`). Pure; the order is runbook, then
 * version, so output reads page by page.
 */
export function planMatrix(runbooks: Runbook[], majors: number[]): { entries: MatrixEntry[]; notApplicable: NotApplicable[] } {
  const entries: MatrixEntry[] = [];
  const notApplicable: NotApplicable[] = [];
  const sorted = [...new Set(majors)].sort((a, b) => a - b);
  for (const runbook of runbooks) {
    const { min, max } = runbook.settings.versions;
    for (const major of sorted) {
      if ((min !== undefined && major < min) || (max !== undefined && major > max)) {
        notApplicable.push({ runbook, major, reason: `applies to ${describeRange(runbook.settings.versions)}` });
      } else {
        entries.push({ runbook, major });
      }
    }
  }
  return { entries, notApplicable };
}
