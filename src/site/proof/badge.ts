/**
 * What the badge under a page's title says. Pure: the page's proof in, plain
 * words out; src/components/ProofBadge.astro only lays them out.
 */
import type { PageProof, RunSummary } from './page-proof.ts';
import { formatDate, formatDuration, listVersions, plural, runDates } from './format.ts';

export type BadgeStatus = 'verified' | 'failed' | 'unverified';

export interface BadgeRun {
  major: number;
  status: RunSummary['status'];
  duration: string;
  date: string;
  reused: boolean;
  server: string;
  source: string;
  note?: string;
}

export interface Badge {
  status: BadgeStatus;
  /** `Verified on PostgreSQL 13, 15, 17 and 18` */
  headline: string;
  /** Why the page is not verified, when it is not. */
  reason?: string;
  /** When the runs happened: one date, or the oldest and newest when the harness reused earlier runs. */
  date?: string;
  dateIso?: string;
  /** The newest version's run time, and the range across versions. */
  duration?: string;
  /** `11 steps ran (3 hidden set-up or check steps) · 1 block shown but not run` */
  counts: string;
  notApplicable?: string;
  /** `Not run on PostgreSQL 14 and 16: no server for them where it was verified (neither passed nor failed)` */
  noServer?: string;
  runs: BadgeRun[];
}

function counts(proof: PageProof): string {
  const steps = proof.blocks.filter((b) => b.info.kind === 'step');
  const hidden = steps.filter((b) => b.info.hidden).length;
  const skipped = proof.blocks.filter((b) => b.info.kind === 'skip').length;
  const parts: string[] = [];
  if (steps.length > 0) {
    const verb = proof.status === 'verified' || proof.status === 'failed' ? 'ran' : 'to run';
    parts.push(`${plural(steps.length, 'step')} ${verb}${hidden > 0 ? ` (${hidden} hidden set-up or check ${hidden === 1 ? 'step' : 'steps'})` : ''}`);
  }
  if (skipped > 0) parts.push(`${plural(skipped, 'block')} shown but not run`);
  return parts.join(' · ');
}

function durationOf(runs: RunSummary[]): string | undefined {
  const ran = runs.filter((r) => r.status !== 'skipped');
  const newest = ran.at(-1);
  if (!newest) return undefined;
  const all = ran.map((r) => r.durationMs);
  const [min, max] = [formatDuration(Math.min(...all)), formatDuration(Math.max(...all))];
  const range = ran.length < 2 ? '' : min === max ? `; ${min} on every version` : `; ${min} to ${max} across versions`;
  return `${formatDuration(newest.durationMs)} on PostgreSQL ${newest.major}${range}`;
}

export function badgeFor(proof: PageProof): Badge {
  const base = { counts: counts(proof) };
  const missing = proof.runs.filter((r) => r.noServer).map((r) => r.major);
  const notes = {
    ...(proof.notApplicable.length > 0
      ? { notApplicable: `Not applicable to PostgreSQL ${listVersions(proof.notApplicable.map((n) => n.major))}: ${proof.notApplicable[0]!.reason}` }
      : {}),
    ...(missing.length > 0
      ? { noServer: `Not run on PostgreSQL ${listVersions(missing)}: no server for ${missing.length === 1 ? 'it' : 'them'} where it was verified (neither passed nor failed)` }
      : {}),
  };
  if (proof.status === 'no-steps') {
    return { ...base, ...notes, status: 'unverified', headline: 'Not verified', reason: 'nothing on this page runs in the sandbox', runs: [] };
  }
  if (proof.status === 'unverified' && proof.runs.length === 0) {
    return { ...base, ...notes, status: 'unverified', headline: 'Not verified', reason: proof.problem?.message ?? 'no report', runs: [] };
  }
  // A version with no server here never ran: no time, no date (the report's date is the verification's).
  const runs: BadgeRun[] = proof.runs.map((r) => ({
    major: r.major, status: r.status, duration: r.noServer ? '–' : formatDuration(r.durationMs), date: r.noServer ? 'not run' : formatDate(r.verifiedAt), reused: r.reused,
    server: r.serverVersion ?? '–', source: r.serverSource ?? '–', ...(r.error ? { note: r.error } : {}),
  }));
  const passed = proof.runs.filter((r) => r.status === 'passed').map((r) => r.major);
  const failed = proof.runs.filter((r) => r.status === 'failed' || r.status === 'error').map((r) => r.major);
  const duration = durationOf(proof.runs);
  const when = runDates(proof.runs, formatDate);
  if (proof.status === 'failed') {
    const steps = proof.steps.filter((s) => s.status === 'failed').map((s) => `step “${s.id}” (line ${s.line})`);
    const reason = steps.length > 0 ? `${steps.join(', ')} failed` : (proof.runs.find((r) => r.error)?.error ?? 'the runbook did not complete');
    return { ...base, ...notes, ...when, ...(duration ? { duration } : {}), status: 'failed', headline: `Failed on PostgreSQL ${listVersions(failed)}`,
      reason, runs };
  }
  if (proof.status === 'unverified') {
    return { ...base, ...notes, ...when, status: 'unverified', headline: 'Not verified', reason: proof.problem?.message ?? 'no report', runs };
  }
  return { ...base, ...notes, ...when, ...(duration ? { duration } : {}), status: 'verified', headline: `Verified on PostgreSQL ${listVersions(passed)}`, runs };
}
