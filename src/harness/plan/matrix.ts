import type { Runbook, ServerSpec } from '../model.ts';
import type { ExtraServer } from '../sandbox/types.ts';

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
      const unpaired = runbook.settings.servers.find((s) => s.byRun && s.byRun[major] === undefined);
      if ((min !== undefined && major < min) || (max !== undefined && major > max)) {
        notApplicable.push({ runbook, major, reason: `applies to ${describeRange(runbook.settings.versions)}` });
      } else if (unpaired) {
        const pairs = Object.entries(unpaired.byRun!).map(([run, old]) => `${run}: ${old}`).join(', ');
        notApplicable.push({ runbook, major, reason: `server \`${unpaired.name}\` names no version for PostgreSQL ${major} (${unpaired.name}: { ${pairs} })` });
      } else {
        entries.push({ runbook, major });
      }
    }
  }
  return { entries, notApplicable };
}

/**
 * The extra servers of one run: a server with a version per run's major (`old: { 17: 13 }`) takes
 * this run's. planMatrix never plans a run whose major a server lacks; asked anyway, it throws.
 */
export function serversForRun(servers: ServerSpec[], major: number): ExtraServer[] {
  return servers.map((server) => {
    if (!server.byRun) return server.major !== undefined ? { name: server.name, major: server.major } : { name: server.name };
    const paired = server.byRun[major];
    if (paired === undefined) throw new Error(`server \`${server.name}\` names no version for PostgreSQL ${major}`);
    return { name: server.name, major: paired };
  });
}
