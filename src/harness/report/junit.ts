/**
 * The report as JUnit XML, the format CI services (GitHub Actions reporters,
 * GitLab, Jenkins) show as test results: one suite per runbook × PostgreSQL
 * version, one case per step. Pure: report in, XML text out. Built from the
 * JSON report, so it carries the same scrubbed, masked output.
 */
import type { Report, RunbookReport, StepReport } from './format.ts';
import { serverLogHeading } from './console.ts';

// XML 1.0 cannot carry most control characters, even escaped: drop them.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  return text.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const seconds = (ms: number | null): string => ((ms ?? 0) / 1000).toFixed(3);

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values).map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`).join('');
}

function stepCase(run: RunbookReport, step: StepReport): string {
  const name = `${step.id} (line ${step.line})`;
  const open = `    <testcase${attributes({ classname: `${run.file} [PostgreSQL ${run.major}]`, name, time: seconds(step.durationMs), file: run.file, line: step.line })}>`;
  const body: string[] = [];
  if (step.status === 'failed' || step.status === 'timed-out') {
    const what = step.failures.map((f) => `expected ${f.expected}; got ${f.actual}`).join('\n')
      || (step.status === 'timed-out' ? 'the step timed out' : `exit status ${step.exitCode}`);
    const logs = (step.serverLogs ?? []).map((log) => `\n\n${serverLogHeading(log)}:\n${log.tail}`).join('');
    const message = step.status === 'timed-out' ? 'timed out' : step.failures[0] ? `expected ${step.failures[0].expected}` : `exit status ${step.exitCode}`;
    body.push(`      <failure${attributes({ message, type: step.status })}>${xmlEscape(what + logs)}</failure>`);
  } else if (step.status === 'not-run') {
    body.push(`      <skipped${attributes({ message: 'not run: the runbook stopped before this step' })}/>`);
  }
  if (step.stdout) body.push(`      <system-out>${xmlEscape(step.stdout)}</system-out>`);
  if (step.stderr) body.push(`      <system-err>${xmlEscape(step.stderr)}</system-err>`);
  return body.length === 0 ? `${open.slice(0, -1)}/>` : [open, ...body, '    </testcase>'].join('\n');
}

function suite(run: RunbookReport): string {
  const cases = run.steps.map((s) => stepCase(run, s));
  const failures = run.steps.filter((s) => s.status === 'failed' || s.status === 'timed-out').length;
  let skipped = run.steps.filter((s) => s.status === 'not-run').length;
  let errors = 0;
  // A run that never reached its steps (no sandbox, a missing server version) still needs a visible case.
  if (run.status === 'error' || run.status === 'skipped') {
    const kind = run.status === 'error' ? 'error' : 'skipped';
    if (kind === 'error') errors++;
    else skipped++;
    cases.unshift([
      `    <testcase${attributes({ classname: `${run.file} [PostgreSQL ${run.major}]`, name: 'sandbox', time: '0.000', file: run.file })}>`,
      `      <${kind}${attributes({ message: run.error ?? run.status })}/>`,
      '    </testcase>',
    ].join('\n'));
  }
  const head = attributes({
    name: `${run.file} [PostgreSQL ${run.major}]`, tests: cases.length, failures, errors, skipped,
    time: seconds(run.durationMs), ...(run.reusedFrom ? { timestamp: run.reusedFrom } : {}),
  });
  const properties = [
    `      <property${attributes({ name: 'server', value: run.server?.version ?? 'none' })}/>`,
    `      <property${attributes({ name: 'sandbox', value: run.sandbox })}/>`,
    ...(run.reusedFrom ? [`      <property${attributes({ name: 'reused-from', value: run.reusedFrom })}/>`] : []),
  ];
  return [`  <testsuite${head}>`, '    <properties>', ...properties, '    </properties>', ...cases, '  </testsuite>'].join('\n');
}

export function toJUnit(report: Report): string {
  const suites = report.runbooks.map(suite);
  const count = (status: StepReport['status'][]) => report.runbooks.reduce((n, r) => n + r.steps.filter((s) => status.includes(s.status)).length, 0);
  const runErrors = report.runbooks.filter((r) => r.status === 'error').length;
  const runSkips = report.runbooks.filter((r) => r.status === 'skipped').length;
  const head = attributes({
    name: 'runbooks', tests: report.summary.steps + runErrors + runSkips, failures: count(['failed', 'timed-out']),
    errors: runErrors, skipped: count(['not-run']) + runSkips, time: seconds(report.summary.durationMs), timestamp: report.generatedAt,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${head}>\n${suites.join('\n')}\n</testsuites>\n`;
}
