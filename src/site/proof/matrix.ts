/**
 * The verification matrix: runbook × PostgreSQL major. Pure: the pages'
 * proofs and the report in, rows of cells out (src/pages/matrix.astro lays
 * them out).
 */
import { isNoServer, type Report } from '../../harness/report/format.ts';
import type { PageProof } from './page-proof.ts';
import { formatDate, formatDay, formatDuration, runDates } from './format.ts';

export type CellKind = 'passed' | 'failed' | 'skipped' | 'no-server' | 'not-applicable' | 'absent' | 'unverified';

export interface MatrixCell {
  major: number;
  kind: CellKind;
  /** `✓ 2.7 s`, `n/a`… */
  text: string;
  /** The longer story, for the tooltip. */
  title: string;
}

export interface MatrixRow {
  title: string;
  href: string;
  /** The row's id, linked from each page's badge. */
  anchor: string;
  file: string;
  status: PageProof['status'];
  cells: MatrixCell[];
  /** When its runs happened (days), '–' when none counts. */
  date: string;
}

export interface Matrix {
  majors: number[];
  /** Majors none of whose runs had a server ("no server for 16 here"): their column says so in its heading. */
  noServer: number[];
  rows: MatrixRow[];
  /** One line per server the report used: `18 → PostgreSQL 18.6 (…) · image`. */
  servers: { major: number; version: string; source: string }[];
}

export interface MatrixPage {
  title: string;
  href: string;
  proof: PageProof;
}

export function anchorFor(file: string): string {
  return file.replace(/^content\//, '').replace(/\.mdx?$/, '').replaceAll('/', '-');
}

function cell(page: MatrixPage, major: number): MatrixCell {
  const { proof } = page;
  const na = proof.notApplicable.find((n) => n.major === major);
  if (na) return { major, kind: 'not-applicable', text: 'n/a', title: `Not applicable: ${na.reason}` };
  if (proof.status === 'unverified' && proof.runs.length === 0) {
    return { major, kind: 'unverified', text: 'not verified', title: proof.problem?.message ?? 'not in the report' };
  }
  const run = proof.runs.find((r) => r.major === major);
  if (!run) return { major, kind: 'absent', text: '–', title: `PostgreSQL ${major} did not run this page` };
  const when = `${formatDate(run.verifiedAt)}${run.reused ? ' (reused unchanged run)' : ''}`;
  if (run.status === 'passed') return { major, kind: 'passed', text: `✓ ${formatDuration(run.durationMs)}`, title: `Passed in ${formatDuration(run.durationMs)} on ${run.serverVersion ?? `PostgreSQL ${major}`}, ${when}` };
  if (run.noServer) return { major, kind: 'no-server', text: 'no server here', title: `Neither passed nor failed: ${run.error ?? `no server for ${major} here`}` };
  if (run.status === 'skipped') return { major, kind: 'skipped', text: 'not run', title: run.error ?? 'skipped' };
  return { major, kind: 'failed', text: `✗ ${formatDuration(run.durationMs)}`, title: `${run.status}, ${when}: ${proof.problem?.message ?? run.error ?? ''}` };
}

export function buildMatrix(report: Report | undefined, pages: MatrixPage[]): Matrix {
  const majors = [...new Set([...(report?.majors ?? []), ...pages.flatMap((p) => p.proof.runs.map((r) => r.major))])].sort((a, b) => a - b);
  const rows = pages
    .filter((p) => p.proof.status !== 'no-steps')
    .sort((a, b) => a.proof.file.localeCompare(b.proof.file))
    .map((p) => ({
      title: p.title, href: p.href, anchor: anchorFor(p.proof.file), file: p.proof.file, status: p.proof.status,
      cells: majors.map((m) => cell(p, m)),
      date: p.proof.status === 'verified' || p.proof.status === 'failed' ? runDates(p.proof.runs, formatDay).date ?? '–' : '–',
    }));
  const servers = new Map<number, { major: number; version: string; source: string }>();
  for (const run of report?.runbooks ?? []) {
    if (run.server && !servers.has(run.major)) servers.set(run.major, { major: run.major, version: run.server.version, source: run.server.source });
  }
  const noServer = majors.filter((m) => {
    const runs = (report?.runbooks ?? []).filter((r) => r.major === m);
    return runs.length > 0 && runs.every(isNoServer);
  });
  return { majors, noServer, rows, servers: [...servers.values()].sort((a, b) => a.major - b.major) };
}
