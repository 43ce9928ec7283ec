import type { RunbookResult, StepResult } from '../model.ts';
import { formatPosition } from '../errors.ts';
import { isNoServer, type Report } from './format.ts';
import { noServerHere } from '../sandbox/no-server.ts';
import { formatDuration } from '../text/index.ts';

const MARK: Record<StepResult['status'], string> = { passed: '✓', failed: '✗', 'timed-out': '⏱', 'not-run': '·' };

/** `  ✓ dump            0.05s` */
export function stepLine(result: StepResult): string {
  const time = result.outcome ? formatDuration(result.outcome.durationMs) : '';
  const note = result.status === 'timed-out' ? '  timed out' : result.status === 'failed' ? `  ${result.failures[0]?.actual.split('\n')[0] ?? ''}` : '';
  return `  ${MARK[result.status]} ${result.step.id.padEnd(28)} ${time.padStart(7)}${note}`;
}

function indent(text: string, prefix = '    '): string {
  return text.split('\n').map((line) => `${prefix}${line}`).join('\n');
}

function tail(text: string, lines = 25): string {
  const all = text.replace(/\n+$/, '').split('\n');
  return all.length > lines ? [`[… ${all.length - lines} earlier lines …]`, ...all.slice(-lines)].join('\n') : all.join('\n');
}

/** `server log $SERVER_LOG, last 20 lines` */
export function serverLogHeading(log: { path: string; tail: string }): string {
  const n = log.tail.split('\n').length;
  return `server log ${log.path}, last ${n === 1 ? 'line' : `${n} lines`}`;
}

/** What a reader needs to fix a failed step: where, what ran, what was expected, what came out. */
export function failureDetail(result: StepResult): string {
  const { step, outcome } = result;
  const out: string[] = [`✗ ${formatPosition(step.position)} step "${step.id}" (${step.lang})`];
  out.push(indent(step.code.replace(/\n$/, '').split('\n').map((l, i) => `${i === 0 ? '$' : '>'} ${l}`).join('\n')));
  for (const failure of result.failures) {
    out.push(`    expected: ${failure.expected}${failure.position.line !== step.position.line ? ` (line ${failure.position.line})` : ''}`);
    out.push(`    got:      ${failure.actual.split('\n')[0]}${outcome ? ` after ${formatDuration(outcome.durationMs)}` : ''}`);
  }
  if (outcome?.stderr.trim()) out.push('    stderr:', indent(tail(outcome.stderr), '      '));
  if (outcome?.stdout.trim()) out.push('    stdout:', indent(tail(outcome.stdout), '      '));
  for (const log of result.serverLogs ?? []) out.push(`    ${serverLogHeading(log)}:`, indent(log.tail, '      '));
  return out.join('\n');
}

export function runbookHeader(file: string, title: string, steps: number, major?: number): string {
  return `▶ ${file}${major !== undefined ? ` @ PostgreSQL ${major}` : ''} — ${title} (${steps} step${steps === 1 ? '' : 's'})`;
}

export function runbookError(result: RunbookResult): string {
  if (result.status === 'skipped') return `- ${result.runbook.file}: not run here: ${result.error ?? ''}`;
  return `✗ ${result.runbook.file}: could not run: ${result.error ?? 'unknown error'}`;
}

/** Runbook × version, with status and duration: the verification matrix at a glance. */
export function matrixTable(report: Report): string {
  const files = [...new Set([...report.runbooks.map((r) => r.file), ...report.notApplicable.map((n) => n.file)])].sort();
  const width = Math.max(...files.map((f) => f.length), 7);
  const cell = (file: string, major: number): string => {
    const run = report.runbooks.find((r) => r.file === file && r.major === major);
    if (!run) return report.notApplicable.some((n) => n.file === file && n.major === major) ? 'n/a' : '';
    const mark = { passed: '✓', failed: '✗', error: '✗', skipped: '-' }[run.status];
    if (isNoServer(run)) return 'no server';
    return run.status === 'skipped' ? '- skipped' : `${mark} ${formatDuration(run.durationMs)}${run.reusedFrom ? ' ↺' : ''}`;
  };
  const header = `${'runbook'.padEnd(width)}  ${report.majors.map((m) => `PG ${m}`.padEnd(10)).join(' ')}`;
  const rows = files.map((f) => `${f.padEnd(width)}  ${report.majors.map((m) => cell(f, m).padEnd(10)).join(' ')}`);
  return ['', header, ...rows].join('\n');
}

/**
 * The versions that had no server here, in words: one line each, then what
 * it means for the verdict. Neither passed nor failed; verify's exit status
 * counts failures only, so these alone leave it 0.
 */
export function noServerLines(report: Report): string[] {
  const runs = report.runbooks.filter(isNoServer);
  if (runs.length === 0) return [];
  const majors = [...new Set(runs.map((r) => r.major))].sort((a, b) => a - b);
  const lines = majors.map((major, i) => {
    const count = runs.filter((r) => r.major === major).length;
    return `${i === 0 ? 'Missing: ' : '         '} ${noServerHere(major)}: ${count} run(s) not run, neither passed nor failed`;
  });
  const s = report.summary;
  const versions = majors.length === 1 ? `${majors[0]}` : `${majors.slice(0, -1).join(', ')} and ${majors.at(-1)}`;
  lines.push(s.failed === 0
    ? `          nothing failed: only PostgreSQL ${versions} went unverified, for want of a server here (exit status 0)`
    : `          (PostgreSQL ${versions} not counted: no server here; the failures above decide the exit status)`);
  return lines;
}

/** The closing block: totals, then the plain `N passed, N failed` line CI logs look for. */
export function summary(report: Report, reportPath: string | undefined): string {
  const s = report.summary;
  const noServerRuns = report.runbooks.filter(isNoServer);
  const noServer = noServerRuns.length;
  const skipped = s.skipped - noServer;
  // Steps of versions with no server never could run: counted apart, so "not run" keeps meaning "cut short".
  const stepsNoServer = noServerRuns.reduce((n, r) => n + r.steps.filter((step) => step.status === 'not-run').length, 0);
  const lines = [
    '',
    `Runs:     ${s.passed} passed, ${s.failed} failed${skipped ? `, ${skipped} skipped (not runnable in this sandbox)` : ''}`
      + `${noServer ? `, ${noServer} not run (no server here)` : ''} (${s.runs} runbook × version${s.reused ? `; ${s.reused} reused from the cache` : ''})`,
    ...noServerLines(report),
    `Steps:    ${s.stepsPassed} passed, ${s.stepsFailed} failed, ${s.stepsNotRun - stepsNoServer} not run${stepsNoServer ? ` (and ${stepsNoServer} of versions with no server here)` : ''}; ${s.unverifiedBlocks} block(s) shown but not verified`,
    `Time:     ${formatDuration(s.durationMs)}${report.interrupted ? ' (interrupted)' : ''}`,
  ];
  const servers = [...new Set(report.runbooks.map((r) => r.server ? `${r.server.version.split(' on ')[0]} [${r.server.source}]` : '').filter(Boolean))];
  if (servers.length) lines.push(`Servers:  ${servers.join('\n          ')}`);
  if (report.notApplicable.length) lines.push(`Not applicable: ${report.notApplicable.length} runbook × version pair(s) excluded by the runbooks' own \`postgres:\` ranges`);
  if (reportPath) lines.push(`Report:   ${reportPath}`);
  return lines.join('\n');
}
