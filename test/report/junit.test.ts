import { describe, expect, it } from 'vitest';
import type { Report, RunbookReport, StepReport } from '../../src/harness/report/format.ts';
import { toJUnit, xmlEscape } from '../../src/harness/report/junit.ts';

function step(id: string, index: number, status: StepReport['status'], extra: Partial<StepReport> = {}): StepReport {
  return {
    id, index, line: 10 * index, column: 1, language: 'bash', hidden: false, code: 'true', executed: 'true', status,
    exitCode: status === 'not-run' ? null : status === 'passed' ? 0 : 1, durationMs: status === 'not-run' ? null : 1500,
    stdout: '', stderr: '', truncated: false, failures: [], ...extra,
  };
}

function run(major: number, status: RunbookReport['status'], steps: StepReport[], error: string | null = null): RunbookReport {
  return {
    file: 'content/backup/x.md', title: 'X', sourceHash: 'h', status, error, sandbox: 'docker', major,
    server: status === 'error' ? null : { version: `PostgreSQL ${major}.1`, major, source: `postgres:${major}` },
    extraServers: {}, reusedFrom: null, durationMs: 4000, steps, unverified: [],
  };
}

const REPORT: Report = {
  version: 1, generatedAt: '2026-11-27T04:54:56.810Z', harness: { node: 'v24', platform: 'linux-x64' }, sandbox: 'docker',
  majors: [17, 18], interrupted: false,
  summary: { runs: 2, passed: 0, failed: 2, skipped: 0, reused: 0, steps: 3, stepsPassed: 1, stepsFailed: 1, stepsNotRun: 1, unverifiedBlocks: 0, durationMs: 8000 },
  runbooks: [
    run(17, 'failed', [
      step('dump', 1, 'passed', { stdout: 'dumped <3 & "ok"\u0007\n' }),
      step('prove', 2, 'failed', { stderr: 'public.tasks: 20 rows missing\n', failures: [{ kind: 'exit', expected: 'exit status 0', actual: 'exit status 1' } as unknown as StepReport['failures'][number]] }),
      step('cleanup', 3, 'not-run'),
    ]),
    run(18, 'error', [], 'Unavailable: no image for PostgreSQL 18'),
  ],
  notApplicable: [],
};

/** Well-formedness without an XML library: every tag closes in order, and no raw `<` or `&` sits in text. */
function assertWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml[^>]*\?>\n/, '');
  const stack: string[] = [];
  for (const token of body.split(/(<[^>]*>)/)) {
    if (token.startsWith('<')) {
      const close = /^<\/([\w-]+)>$/.exec(token);
      const open = /^<([\w-]+)(\s+[\w-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*\s*(\/?)>$/.exec(token);
      if (close) expect(stack.pop()).toBe(close[1]);
      else if (open) { if (open[3] !== '/') stack.push(open[1]!); }
      else throw new Error(`malformed tag: ${token}`);
    } else {
      expect(token).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
    }
  }
  expect(stack).toEqual([]);
}

describe('JUnit XML', () => {
  it('is well-formed, one suite per runbook × version and one case per step, with failures, skips and errors counted', () => {
    const xml = toJUnit(REPORT);
    assertWellFormed(xml);
    expect(xml).toContain('<testsuites name="runbooks" tests="4" failures="1" errors="1" skipped="1" time="8.000" timestamp="2026-11-27T04:54:56.810Z">');
    expect(xml).toContain('<testsuite name="content/backup/x.md [PostgreSQL 17]" tests="3" failures="1" errors="0" skipped="1" time="4.000">');
    expect(xml).toContain('<testsuite name="content/backup/x.md [PostgreSQL 18]" tests="1" failures="0" errors="1" skipped="0" time="4.000">');
    expect(xml).toContain('<failure message="expected exit status 0" type="failed">expected exit status 0; got exit status 1</failure>');
    expect(xml).toContain('<system-err>public.tasks: 20 rows missing\n</system-err>');
    expect(xml).toContain('<skipped message="not run: the runbook stopped before this step"/>');
    expect(xml).toContain('<error message="Unavailable: no image for PostgreSQL 18"/>');
    expect(xml).toContain('<system-out>dumped &lt;3 &amp; &quot;ok&quot;\n</system-out>');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(xmlEscape('a<b>&"\'\u0000\u001b[0m\tz\n')).toBe('a&lt;b&gt;&amp;&quot;&apos;[0m\tz\n');
  });
});
