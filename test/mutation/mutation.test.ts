import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratch } from '../helpers/cli.ts';
import { MUTANTS, type Mutant } from './mutants.ts';
import { applyPatches } from './patch.ts';

/**
 * Self-test by mutation: the runbooks are only proof if a wrong runbook
 * fails. Each mutant (a committed runbook with a mistake patched in, in a
 * scratch copy of the project) is verified with the real CLI on a local
 * cluster (in a container when the page needs another version or servers);
 * it is killed only if verify fails at the expected step with the expected
 * text.
 */

interface StepReport {
  id: string;
  status: string;
  stdout?: string;
  stderr?: string;
  failures?: { expected: string; actual: string }[];
}

interface Outcome {
  mutant: Mutant;
  killed: boolean;
  detail: string;
  seconds: number;
}

const outcomes: Outcome[] = [];

function matches(haystack: string, needle: string | RegExp): boolean {
  return typeof needle === 'string' ? haystack.includes(needle) : needle.test(haystack);
}

/** Killed = verify exited 1, the first failed step is the expected one, and every expected text is in its failure. */
export function judge(mutant: Mutant, exitCode: number | undefined, report: { runbooks: { error?: string; steps: StepReport[] }[] } | undefined): { killed: boolean; detail: string } {
  if (exitCode !== 1) return { killed: false, detail: `verify exited ${String(exitCode)}, expected 1` };
  const runbook = report?.runbooks[0];
  if (!runbook) return { killed: false, detail: 'no report written' };
  const failed = runbook.steps.find((s) => s.status === 'failed');
  if (!failed) return { killed: false, detail: `no step failed${runbook.error ? ` (run error: ${runbook.error})` : ''}` };
  if (failed.id !== mutant.step) return { killed: false, detail: `step "${failed.id}" failed first, expected "${mutant.step}"` };
  const haystack = [failed.stdout ?? '', failed.stderr ?? '', ...(failed.failures ?? []).flatMap((f) => [f.expected, f.actual])].join('\n');
  const missing = mutant.expect.filter((needle) => !matches(haystack, needle));
  if (missing.length > 0) return { killed: false, detail: `step "${failed.id}" failed, but without ${missing.map(String).join(', ')}:\n${haystack}` };
  const first = mutant.expect[0]!;
  const line = typeof first === 'string'
    ? haystack.split('\n').find((l) => l.includes(first)) ?? first
    : (haystack.match(first)?.[0] ?? String(first)).replace(/\n/g, ' ⏎ ');
  return { killed: true, detail: `step "${failed.id}": ${line.trim()}` };
}

describe('mutation testing of the runbooks', () => {
  for (const mutant of MUTANTS) {
    it(`kills: ${mutant.name} (${mutant.file})`, async () => {
      const s = scratch();
      const path = s.copy(mutant.file);
      writeFileSync(path, applyPatches(readFileSync(path, 'utf8'), mutant.patches, mutant.file));
      const started = performance.now();
      const where = mutant.docker ? ['--sandbox', 'docker', '--pg', String(mutant.docker.pg)] : ['--sandbox', 'local'];
      const result = await runCli(['verify', ...where, '--report', 'mutant-report.json', mutant.file], s.dir, s.tmp);
      let report;
      try {
        report = JSON.parse(readFileSync(join(s.dir, 'mutant-report.json'), 'utf8'));
      } catch {
        report = undefined;
      }
      const verdict = judge(mutant, result.exitCode, report);
      const seconds = (performance.now() - started) / 1000;
      outcomes.push({ mutant, ...verdict, seconds });
      console.log(`${verdict.killed ? 'killed  ' : 'SURVIVED'} ${mutant.name} [${seconds.toFixed(1)}s]: ${verdict.detail}`);
      expect(verdict.killed, `${verdict.detail}\n\n${result.all}`).toBe(true);
    });
  }

  it('kills every mutant (kill rate 100%)', () => {
    const killed = outcomes.filter((o) => o.killed).length;
    const total = MUTANTS.length;
    console.log(`mutation kill rate: ${killed}/${total} (${Math.round((100 * killed) / total)}%)`);
    expect(outcomes.length).toBe(total);
    expect(outcomes.filter((o) => !o.killed).map((o) => `${o.mutant.name}: ${o.detail}`)).toEqual([]);
  });
});
