/**
 * The rates the throughput page measured, read from the verification report.
 * Pure: report in, rates out.
 *
 * content/reference/throughput.md prints tab-separated rows (size, method,
 * seconds, mb) where `size` is the database measured as pg_size_pretty labels
 * it ("61 MB", "cluster, 240 MB", "WAL, 131 MB"). A rate is that size divided
 * by the seconds, taken from one representative row per kind of work, from
 * the newest PostgreSQL major on which the page passed.
 */
import type { Report, RunbookReport } from '../../harness/report/format.ts';
import { parseTable } from '../proof/chart.ts';
import type { RateKey } from './kind.ts';

export const THROUGHPUT_FILE = 'content/reference/throughput.md';
export const THROUGHPUT_URL = '/reference/throughput/';

export interface Rate {
  key: RateKey;
  /** MB (MiB, as pg_size_pretty counts) of data per second. */
  mbPerSecond: number;
  /** What was measured, in words. */
  what: string;
  /** The row's size label ("61 MB") and its value in MB. */
  sizeLabel: string;
  sizeMb: number;
  seconds: number;
  step: string;
  major: number;
  /** `SELECT version()` of the run, when known. */
  serverVersion?: string;
  /** ISO date-time the run happened: the report's, or the cached run's it reused. */
  measuredAt: string;
}

export type Rates = Partial<Record<RateKey, Rate>>;

/** The row each rate is read from: the step, which method, and (among the databases) the largest. */
const ROWS: Record<RateKey, { step: string; method: (m: string) => boolean; what: string }> = {
  dump: { step: 'dump-times', method: (m) => m === 'custom', what: 'pg_dump, custom format' },
  restore: { step: 'restore-times', method: (m) => m === 'custom -j 1', what: 'pg_restore of a custom-format dump, one job' },
  'restore-psql': { step: 'restore-times', method: (m) => m === 'plain (psql)', what: 'psql replaying a plain SQL dump' },
  'base-backup': { step: 'base-backup', method: (m) => m === 'pg_basebackup', what: 'pg_basebackup' },
  'wal-replay': { step: 'wal-replay', method: (m) => m.startsWith('WAL replay'), what: 'WAL replay from an archive (restore_command = cp)' },
};

const UNITS: Record<string, number> = { bytes: 1 / 1048576, kB: 1 / 1024, MB: 1, GB: 1024, TB: 1024 * 1024 };

/** "61 MB", "cluster, 240 MB", "WAL, 1234 kB" → MB; undefined when the label has no size. */
export function sizeInMb(label: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(bytes|kB|MB|GB|TB)\b/.exec(label);
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}

function rateFrom(run: RunbookReport, key: RateKey, measuredAt: string): Rate | undefined {
  const spec = ROWS[key];
  const step = run.steps.find((s) => s.id === spec.step);
  if (!step || step.status !== 'passed' || !step.stdout) return undefined;
  const candidates = parseTable(step.stdout).rows
    .filter((row) => spec.method(row.method ?? ''))
    .map((row) => ({ row, sizeMb: sizeInMb(row.size ?? ''), seconds: Number(row.seconds) }))
    .filter((c): c is typeof c & { sizeMb: number } => c.sizeMb !== undefined && c.sizeMb > 0 && c.seconds > 0);
  // The largest database: fixed costs (connecting, starting a server) weigh least on it.
  const best = candidates.sort((a, b) => b.sizeMb - a.sizeMb)[0];
  if (!best) return undefined;
  return {
    key, mbPerSecond: best.sizeMb / best.seconds, what: spec.what,
    sizeLabel: best.row.size!, sizeMb: best.sizeMb, seconds: best.seconds, step: spec.step,
    major: run.major, measuredAt,
    ...(run.server?.version ? { serverVersion: run.server.version } : {}),
  };
}

/**
 * The rates of the newest PostgreSQL major on which the throughput page passed,
 * or none when the report has no passed run of it.
 */
export function ratesFromReport(report: Report | undefined, file = THROUGHPUT_FILE): Rates {
  // Every page of a build asks twice (its steps and its incident view) of one cached report object.
  if (!report) return {};
  const byFile = memo.get(report) ?? new Map<string, Rates>();
  memo.set(report, byFile);
  const known = byFile.get(file);
  if (known) return known;
  const rates = computeRates(report, file);
  byFile.set(file, rates);
  return rates;
}

const memo = new WeakMap<Report, Map<string, Rates>>();

function computeRates(report: Report, file: string): Rates {
  const run = (report?.runbooks ?? [])
    .filter((r) => r.file === file && r.status === 'passed')
    .sort((a, b) => b.major - a.major)[0];
  if (!run) return {};
  const measuredAt = run.reusedFrom ?? report.generatedAt;
  const rates: Rates = {};
  for (const key of Object.keys(ROWS) as RateKey[]) {
    const rate = rateFrom(run, key, measuredAt);
    if (rate) rates[key] = rate;
  }
  return rates;
}
