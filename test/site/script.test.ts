/**
 * The downloadable script of a page is what a reader runs on a real host, so
 * it may hold operator steps only and must stop at the first failing command.
 * Checked on a page written for the purpose, then on every page of the guide.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectPaths } from '../../src/harness/files/project.ts';
import { drillScaffolding, proofScaffolding, sandboxOnlySettings } from '../../src/harness/parse/scaffolding.ts';
import { pageProof } from '../../src/site/proof/page-proof.ts';
import { requiredVariables, runbookScript } from '../../src/site/script.ts';

const CONTEXT = { title: 'Example', url: '/example/', commit: 'abc1234', draft: false };

const PAGE = [
  '---', 'title: Example', '---', '',
  '```bash run id=seed hidden', '"$RUNBOOK_FIXTURES/load-fixture" appdb', '```', '',
  '```bash run id=backup', 'export ARCHIVE="$BACKUP_DIR/archive"', 'echo "step one ran"', 'false', 'echo "after the failure"', '```', '',
  '```bash run id=disaster role=drill', 'fault kill-server', 'rm -rf "$PGDATA"', '```', '',
  '```bash run id=prove role=proof', 'pg-fingerprint appdb > a', '```', '',
  '```bash run id=demo exit=1', 'pg_restore --list missing.dump', '```', '',
  '```bash run id=fast sandbox-only="a throwaway cluster"', 'initdb --no-sync -D "$SANDBOX_DIR/new"', '```', '',
  '```bash run id=last', 'echo "last step ran" > "$ARCHIVE/x"', '```', '',
].join('\n');

function scriptOf(source: string, file = 'content/example.md'): string {
  return runbookScript(pageProof(undefined, file, source), CONTEXT);
}

/** Lines bash would run: the script without its comments. */
const live = (script: string): string => script.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');

describe('the downloadable script of a page', () => {
  const script = scriptOf(PAGE);

  it('holds operator steps only, and names each step it left out where it was', () => {
    expect(live(script)).not.toMatch(/fault|rm -rf|pg-fingerprint|RUNBOOK_FIXTURES|pg_restore --list|--no-sync/);
    expect(script).toContain('# ── disaster (page line 16) left out: a drill step');
    expect(script).toContain('# ── prove (page line 21) left out: a proof step');
    expect(script).toContain('# ── demo (page line 25) left out: it fails on purpose (exit 1)');
    expect(script).toContain('# ── fast (page line 29) left out: SANDBOX ONLY, not for production: a throwaway cluster\n# initdb --no-sync');
    expect(script).toContain('# Left out: 1 drill step(s)');
    expect(live(script).match(/^rb_step='.*$/gm)).toEqual(["rb_step='backup (page line 9)'", "rb_step='last (page line 33)'"]);
  });

  it('asks for the variables its steps read but never set', () => {
    expect(requiredVariables(['echo "$BACKUP_DIR" ${PGDATA}', 'export ARCHIVE=x', 'cp "$ARCHIVE" "${OPTIONAL:-}"', 'for f in *; do echo "$f"; done']))
      .toEqual(['BACKUP_DIR', 'PGDATA']);
    expect(script).toContain(': "${BACKUP_DIR:?set BACKUP_DIR first (see the page)}"');
    expect(script).not.toContain('${ARCHIVE:?');
  });

  it('stops at the first failing command, inside a step, and says which step', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-script-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, BACKUP_DIR: dir } });
    expect([result.status, result.stdout, result.stderr]).toEqual([1, 'step one ran\n', 'stopped: step backup (page line 9) failed with exit status 1\n']);
  });

  it('stops before anything runs when a variable is not set', () => {
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('BACKUP_DIR: set BACKUP_DIR first (see the page)');
  });
});

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? pages(path) : name.endsWith('.md') ? [path] : [];
  });
}

/**
 * Runs a script where no command exists and nothing outside a scratch
 * directory is writable (as nobody, with an empty PATH): every script must
 * stop at its first command and run no step after it.
 */
function runCrippled(script: string, required: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-cripple-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'empty'));
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, 'script.sh'), script);
  const env = ['/usr/bin/env', '-i', `HOME=${dir}`, `PATH=${join(dir, 'empty')}`, ...required.map((v) => `${v}=${dir}/${v.toLowerCase()}`)];
  return spawnSync('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...env, '/bin/bash', '-x', join(dir, 'script.sh')],
    { encoding: 'utf8', cwd: dir, timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

const root = process.getuid?.() === 0;
if (!root && !process.env.CI) console.warn('the guide\'s scripts are only checked statically: running them as nobody needs root');

describe('every page\'s downloadable script', () => {
  const { root: projectRoot, content } = projectPaths();
  const files = pages(content);

  it('has no drill, proof or sandbox-only command outside a comment', () => {
    expect(files.length).toBeGreaterThan(40);
    const problems = files.flatMap((file) => {
      const script = live(scriptOf(readFileSync(file, 'utf8'), relative(projectRoot, file)));
      const found = [...drillScaffolding(script), ...proofScaffolding(script), ...sandboxOnlySettings(script)];
      return found.map((f) => `${relative(projectRoot, file)}: ${f.what} (${f.text})`);
    });
    expect(problems).toEqual([]);
  });

  it.runIf(root || process.env.CI)('stops at the first failing command and runs no later step (set -e semantics)', () => {
    const checked = files.flatMap((file) => {
      const script = scriptOf(readFileSync(file, 'utf8'), relative(projectRoot, file));
      const steps = live(script).match(/^rb_step='.*$/gm) ?? [];
      if (steps.length === 0) return [];
      execFileSync('bash', ['-n'], { input: script });
      const required = requiredVariables([live(script)]);
      const result = runCrippled(script, required);
      const stopped = /^stopped: step (.*) failed with exit status (\d+)$/m.exec(result.stderr);
      const started = [...result.stderr.matchAll(/^\++ rb_step='?(.*?)'?$/gm)].map((m) => m[1]);
      return [{ file: relative(projectRoot, file), status: result.status, stopped: stopped?.[1], last: started.at(-1) }];
    });
    expect(checked.length).toBeGreaterThan(30);
    // A non-zero exit, the trap naming the step, and that step being the last one started.
    expect(checked.filter((c) => c.status === 0 || c.stopped === undefined || c.stopped !== c.last)).toEqual([]);
    console.info(`downloadable scripts: ${checked.length} run as nobody with no commands available; each stopped in the step it failed in`);
  });
});
