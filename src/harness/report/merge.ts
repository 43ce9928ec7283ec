import { HarnessError } from '../errors.ts';
import { summarize, type Report, type RunbookReport } from './format.ts';
import { runKey } from '../plan/run-key.ts';

/**
 * Shard reports → one report, as if one machine had run everything: runs in
 * runbook, then version order; the summary recounted; the duration is the
 * longest shard's (they ran side by side). Pure. Refuses overlapping shards
 * and incomplete sets (every shard i/n of one n must be present).
 */
export function mergeReports(reports: Report[], now: Date): Report {
  const counts = new Set(reports.map((r) => r.shard?.count ?? 0));
  const shards = reports.map((r) => r.shard?.index).filter((i): i is number => i !== undefined);
  if (counts.size === 1 && !counts.has(0)) {
    const [count] = [...counts];
    const missing = Array.from({ length: count! }, (_, i) => i + 1).filter((i) => !shards.includes(i));
    if (missing.length) throw new HarnessError('Usage', `Shard report(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);
  }
  const runs = new Map<string, RunbookReport>();
  for (const report of reports) {
    for (const run of report.runbooks) {
      const key = runKey(run.file, run.major);
      if (runs.has(key)) throw new HarnessError('Usage', `${key} appears in more than one report`);
      runs.set(key, run);
    }
  }
  const runbooks = [...runs.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.major - b.major));
  const first = reports[0]!;
  const notApplicable = reports.flatMap((r) => r.notApplicable)
    .filter((n, i, all) => all.findIndex((m) => m.file === n.file && m.major === n.major) === i);
  return {
    version: first.version,
    generatedAt: now.toISOString(),
    harness: first.harness,
    sandbox: [...new Set(reports.map((r) => r.sandbox))].join('+'),
    majors: [...new Set(reports.flatMap((r) => r.majors))].sort((a, b) => a - b),
    interrupted: reports.some((r) => r.interrupted),
    summary: summarize(runbooks, Math.max(...reports.map((r) => r.summary.durationMs))),
    runbooks,
    notApplicable,
  };
}
