#!/usr/bin/env node
// `npm run soak -- [N] [verify options…]`: the determinism check. Runs the full
// verification N times in a row (default 20), every run forced past the cache,
// and reports every run × runbook that did not pass, so a flaky page cannot hide
// behind a green re-run. Also checks that the published output does not churn:
// the steps' masked output must be identical from run to run, except on pages
// that measure timings on purpose (their charts are meant to change).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectPaths } from '../src/harness/files/project.ts';

const { root, scripts } = projectPaths();
const args = process.argv.slice(2);
const runs = /^\d+$/.test(args[0] ?? '') ? Number(args.shift()) : 20;
const work = mkdtempSync(join(tmpdir(), 'rb-soak-'));
// Output that legitimately differs between runs: measured durations.
const MEASURING = new Set(['content/reference/throughput.md']);

const failures = [];
const churn = new Map();
let previous;
const started = performance.now();
try {
  for (let run = 1; run <= runs; run++) {
    const report = join(work, `run-${run}.json`);
    const t = performance.now();
    const result = await execa(process.execPath, [join(scripts, 'runbooks.mjs'), 'verify', '--force', '--cache', join(work, 'cache'), '--report', report, ...args], {
      cwd: root, reject: false, all: true,
    });
    const parsed = JSON.parse(readFileSync(report, 'utf8'));
    const bad = parsed.runbooks.filter((r) => r.status !== 'passed' && r.status !== 'skipped');
    for (const r of bad) {
      const step = r.steps.find((s) => s.status !== 'passed');
      failures.push(`run ${run}: ${r.file} on PostgreSQL ${r.major}: ${r.status}${step ? ` at step "${step.id}" (${step.status})` : r.error ? `: ${r.error}` : ''}`);
    }
    const outputs = new Map(parsed.runbooks.filter((r) => !MEASURING.has(r.file))
      .flatMap((r) => r.steps.map((s) => [`${r.file} PG${r.major} ${s.id}`, `${s.stdout}\u0000${s.stderr}`])));
    if (previous) {
      for (const [key, text] of outputs) if (previous.has(key) && previous.get(key) !== text) churn.set(key, (churn.get(key) ?? 0) + 1);
    }
    previous = outputs;
    console.log(`run ${run}/${runs}: exit ${result.exitCode}, ${parsed.summary.passed}/${parsed.summary.runs} runs passed, ${parsed.summary.steps} steps, ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`\nsoak: ${runs} full verifications in ${((performance.now() - started) / 60000).toFixed(1)} min; ${failures.length} failed run(s) of a runbook`);
for (const f of failures) console.log(`  ${f}`);
console.log(`output that changed between runs (would churn the site): ${churn.size} step(s)`);
for (const [key, n] of churn) console.log(`  ${key}: changed in ${n} of ${runs - 1} re-runs`);
process.exitCode = failures.length === 0 ? 0 : 1;
