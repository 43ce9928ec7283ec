import type { RunbookResult, StepResult } from '../model.ts';
import { formatPosition } from '../errors.ts';
import type { Report } from './format.ts';
import { formatDuration } from './durations.ts';

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
  return out.join('\n');
}

export function runbookHeader(file: string, title: string, steps: number): string {
  return `▶ ${file} — ${title} (${steps} step${steps === 1 ? '' : 's'})`;
}

export function runbookError(result: RunbookResult): string {
  return `✗ ${result.runbook.file}: could not run: ${result.error ?? 'unknown error'}`;
}

/** The closing block: totals, then the plain `N passed, N failed` line CI logs look for. */
export function summary(report: Report, reportPath: string | undefined): string {
  const s = report.summary;
  const lines = [
    '',
    `Runbooks: ${s.passed} passed, ${s.failed} failed (${s.runbooks})`,
    `Steps:    ${s.stepsPassed} passed, ${s.stepsFailed} failed, ${s.stepsNotRun} not run; ${s.unverifiedBlocks} block(s) shown but not verified`,
    `Time:     ${formatDuration(s.durationMs)}${report.interrupted ? ' (interrupted)' : ''}`,
  ];
  const servers = [...new Set(report.runbooks.map((r) => r.server?.version.split(' on ')[0]).filter(Boolean))];
  if (servers.length) lines.push(`Server:   ${servers.join(', ')}`);
  if (reportPath) lines.push(`Report:   ${reportPath}`);
  return lines.join('\n');
}
