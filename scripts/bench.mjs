#!/usr/bin/env node
// `npm run bench`: the harness's costs, measured side by side in one run on
// this machine, printed as ratios against the targets of the performance issue.
// Nothing here is a pass/fail test; BENCHMARKS.md records a run.
import { cpSync, mkdtempSync, rmSync, statSync, appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectPaths } from '../src/harness/files/project.ts';
import { loadAll } from '../src/harness/files/collect.ts';
import { findPostgres } from '../src/harness/sandbox/postgres-binaries.ts';
import { LocalClusterSandbox } from '../src/harness/sandbox/local-cluster.ts';
import { ContainerSandbox } from '../src/harness/sandbox/container.ts';
import { dockerEngine } from '../src/harness/sandbox/docker.ts';
import { sandboxSettings } from '../src/harness/sandbox/settings.ts';
import { planRunbook } from '../src/harness/plan/index.ts';
import { executePlan } from '../src/harness/execute/index.ts';
import { matrixCosts } from '../src/harness/report/costs.ts';

const { root, scripts } = projectPaths();
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const lines = [];
const say = (text) => { lines.push(text); console.log(text); };

async function timed(fn) {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

const install = await findPostgres({ path: process.env.PATH ?? '' });
const settings = sandboxSettings(process.env);
const engine = await dockerEngine(settings.docker);
say(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${install.version} (local), Docker ${engine.ok ? engine.version : `none (${engine.reason})`}`);

// 1. Harness overhead: the same steps, once through the harness's persistent
// session (with capture and verification), once as one plain bash script.
const runbooks = loadAll(['content'], root).results.map((r) => r.runbook)
  .filter((r) => r && r.steps.length > 0 && r.settings.servers.length === 0 && r.settings.smallDiskMiB === undefined
    && (r.settings.versions.min ?? 0) <= install.major && (r.settings.versions.max ?? 99) >= install.major);
const local = new LocalClusterSandbox({ install, scriptsDir: scripts, settings });
const harnessMs = [];
const bashMs = [];
for (let round = 0; round < ROUNDS; round++) {
  let h = 0;
  let b = 0;
  for (const runbook of runbooks) {
    const plan = planRunbook(runbook);
    {
      await using sandbox = await local.start();
      h += (await timed(() => executePlan(sandbox, plan))).ms;
    }
    {
      await using sandbox = await local.start();
      const shell = sandbox.shell();
      const script = ['set -o pipefail', ...plan.steps.map((s) => `{ ${s.script}\n} < /dev/null`)].join('\n');
      // The same shell the harness opens (same user, same namespaces), fed the whole script at once.
      b += (await timed(() => execa(shell.file, shell.args, { input: script, env: shell.env, extendEnv: false, cwd: shell.cwd, reject: false, ...(shell.uid !== undefined ? { uid: shell.uid, gid: shell.gid } : {}) }))).ms;
    }
  }
  harnessMs.push(h);
  bashMs.push(b);
}
const overhead = (median(harnessMs) - median(bashMs)) / median(bashMs);
say(`harness overhead: ${runbooks.length} runbooks' steps take ${secs(median(harnessMs))} through the harness vs ${secs(median(bashMs))} as plain bash (median of ${ROUNDS}): ${(overhead * 100).toFixed(1)}% (target ≤ 5%)`);

// 2. A fresh sandbox: a copy of a prepared cluster vs initdb; a container.
const fresh = async (sandbox, n) => {
  const times = [];
  for (let i = 0; i < n; i++) {
    const { ms, value } = await timed(() => sandbox.start());
    times.push(ms);
    await value.stop();
  }
  return median(times);
};
await (await local.start()).stop(); // the template is made once, outside the measurement
const prepared = await fresh(local, 7);
const initdb = await fresh(new LocalClusterSandbox({ install, scriptsDir: scripts, prepared: false, settings }), 7);
say(`fresh local sandbox: ${secs(prepared)} from a prepared copy vs ${secs(initdb)} with initdb (median of 7; target ≤ 0.3 s)`);
if (engine.ok) {
  const container = await fresh(new ContainerSandbox({ major: 17, scriptsDir: scripts, settings }), 5);
  say(`fresh container sandbox (PostgreSQL 17): ${secs(container)} in a new container (median of 5; target ≤ 1.5 s)`);
  // What verify does: the container kept between runs, a brand-new cluster in it per run; start and teardown both count.
  const kept = new ContainerSandbox({ major: 17, scriptsDir: scripts, settings, reuse: true });
  await (await kept.start()).stop();
  const cycles = [];
  for (let i = 0; i < 9; i++) cycles.push((await timed(async () => (await kept.start()).stop())).ms);
  await kept.close();
  say(`fresh cluster in a kept container (PostgreSQL 17): ${secs(median(cycles))} start + teardown (median of 9)`);
}

// 3. Parallel runs and 4. the cache, on the full guide with the default sandbox.
const work = mkdtempSync(join(tmpdir(), 'rb-bench-'));
const cli = (args) => execa(process.execPath, [join(scripts, 'runbooks.mjs'), 'verify', ...args], { cwd: work, reject: false, all: true });
cpSync(join(root, 'content'), join(work, 'content'), { recursive: true });
mkdirSync(join(work, 'out'));
// One version (BENCH_PG, default 17) keeps the run short; the matrix multiplies every figure alike.
const sandboxArgs = engine.ok ? ['--sandbox', 'docker', '--pg', process.env.BENCH_PG ?? '17'] : ['--sandbox', 'local'];
const one = await timed(() => cli([...sandboxArgs, '--force', '--jobs', '1', '--cache', join(work, 'c1'), '--report', 'out/jobs1.json', 'content']));
const two = await timed(() => cli([...sandboxArgs, '--force', '--jobs', '2', '--cache', join(work, 'c2'), '--report', 'out/jobs2.json', '--junit', 'out/jobs2.xml', 'content']));
if (one.value.exitCode !== 0 || two.value.exitCode !== 0) say(`warning: a verify run failed (exit ${one.value.exitCode}/${two.value.exitCode}); timings below still measured`);
say(`full guide (${sandboxArgs.slice(1).join(' ')}): --jobs 1 ${secs(one.ms)}, --jobs 2 ${secs(two.ms)}: ${(one.ms / two.ms).toFixed(2)}× faster (target ≥ 1.7× on 2 cores)`);
appendFileSync(join(work, 'content/backup/plain-sql-dump.md'), '\nAn edit, for the benchmark.\n');
const cached = await timed(() => cli([...sandboxArgs, '--jobs', '2', '--cache', join(work, 'c2'), '--report', 'out/cached.json', 'content']));
say(`re-verify after editing one page: ${secs(cached.ms)} vs a full run ${secs(two.ms)}: ${((cached.ms / two.ms) * 100).toFixed(1)}% (target ≤ 10%)`);

// 5. A run's fixed cost and the wall time against the steps, on the full matrix (every version with a server here).
if (engine.ok) {
  const matrix = await timed(() => cli(['--sandbox', 'docker', '--force', '--jobs', '2', '--cache', join(work, 'c3'), '--report', 'out/matrix.json', 'content']));
  if (matrix.value.exitCode !== 0) say(`warning: the matrix run failed (exit ${matrix.value.exitCode}); timings below still measured`);
  const costs = matrixCosts(JSON.parse(readFileSync(join(work, 'out/matrix.json'), 'utf8')), 2);
  say(`full matrix (docker, --jobs 2): ${costs.runs} runs in ${secs(costs.wallMs)}; steps ${secs(costs.stepsMs)} in all`);
  say(`fixed cost per run: ${secs(costs.fixedMs)} = sandbox ready ${secs(costs.readyMs)} + fixture loaded ${secs(costs.fixtureMs)} (mean; target ≤ 0.5 s)`);
  say(`wall vs steps: ${secs(costs.wallMs)} against ${secs(costs.stepsMs / costs.jobs)} of steps per job: ${costs.ratio.toFixed(2)}× (target ≤ 1.15×)`);
}

// 6. Report sizes.
const json = statSync(join(work, 'out/jobs2.json')).size;
const junit = statSync(join(work, 'out/jobs2.xml')).size;
say(`reports of the full guide: JSON ${(json / 1024).toFixed(0)} KiB, JUnit XML ${(junit / 1024).toFixed(0)} KiB`);
rmSync(work, { recursive: true, force: true });
