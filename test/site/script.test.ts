/**
 * The downloadable script of a page is what a reader runs on a real host, so
 * it may hold operator steps only and must stop at the first failing command.
 * Checked on a page written for the purpose, then on every page of the guide.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectPaths } from '../../src/harness/files/project.ts';
import { markdownFiles } from '../../src/harness/files/collect.ts';
import { drillScaffolding, proofScaffolding, sandboxOnlySettings, sandboxVariables } from '../../src/harness/parse/scaffolding.ts';
import { pageProof } from '../../src/site/proof/page-proof.ts';
import { noScriptReason, requiredVariables, runbookScript, scriptSteps } from '../../src/site/script.ts';
import { copyAllText, operatorSteps } from '../../src/site/operator-steps.ts';
import { destructiveAction } from '../../src/site/destructive.ts';
import { readPageBlocks } from '../../src/site/page-blocks.ts';

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

describe('which pages offer a script', () => {
  const page = (...steps: string[]) => ['---', 'title: t', '---', '', ...steps.flatMap((s) => [s, 'echo x', '```', ''])].join('\n');

  it('every page whose steps run on one machine', () => {
    expect(noScriptReason(readPageBlocks(page('```bash run id=a', '```bash run id=b on="the backup host"')))).toBeUndefined();
    expect(noScriptReason(readPageBlocks(page('```bash run id=a server=primary')))).toBeUndefined();
  });

  it('none whose steps take turns on several machines, nor one with nothing to run', () => {
    expect(noScriptReason(readPageBlocks(page('```bash run id=a', '```bash run id=b server=standby', '```bash run id=c role=drill server=node3 hidden'))))
      .toBe('its steps take turns on 3 machines: follow them in incident mode');
    expect(noScriptReason(readPageBlocks(page('```bash run id=a hidden')))).toBe('no step to run');
  });
});

describe('the downloadable script of a page', () => {
  const script = scriptOf(PAGE);

  it('holds operator steps only, and names each step it left out where it was', () => {
    expect(live(script)).not.toMatch(/fault|rm -rf|pg-fingerprint|RUNBOOK_FIXTURES|pg_restore --list|--no-sync/);
    expect(script).toContain('# ── disaster (page line 16) left out: a drill step');
    expect(script).toContain('# ── prove (page line 21) left out: a proof step');
    expect(script).toContain('# ── demo (page line 25) left out: it fails on purpose (exit 1)');
    expect(script).toContain('# ── fast (page line 29) left out: SANDBOX ONLY, not for production: a throwaway cluster\n# initdb --no-sync');
    expect(script).toContain('# Left out: 1 drill step(s)');
    expect(live(script).match(/^rb_step='.*$/gm)).toEqual(["rb_step='1. backup (page line 9)'", "rb_step='2. last (page line 33)'"]);
  });

  it('asks for the variables its steps read but never set', () => {
    expect(requiredVariables(['echo "$BACKUP_DIR" ${PGDATA}', 'export ARCHIVE=x', 'cp "$ARCHIVE" "${OPTIONAL:-}"', 'for f in *; do echo "$f"; done']))
      .toEqual(['BACKUP_DIR', 'PGDATA']);
    // Names set by read/mapfile, `$` in single quotes, comments and quoted here-documents are not the reader's to set.
    expect(requiredVariables([
      'read -r mode archived failed last_wal <<<"$line"\necho "$mode $failed $last_wal"',
      'mapfile -t locale_options < <(echo x)\necho "${locale_options[@]}"',
      "sed -n '1p;$p' \"$BACKUP_DIR/x\"",
      "psql <<'SQL'\nSELECT $1, $$body$$;\nSQL\necho \"$AFTER\"",
      'echo "it\'s $DQ" # $COMMENTED',
      't=$EPOCHREALTIME',
      "while IFS=$'\\t' read -r db method secs; do echo \"$db\"; done",
    ])).toEqual(['AFTER', 'BACKUP_DIR', 'DQ', 'line']);
    expect(script).toContain(': "${BACKUP_DIR:?set BACKUP_DIR first (see the page)}"');
    expect(script).not.toContain('${ARCHIVE:?');
  });

  it('stops at the first failing command, inside a step, and says which step', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-script-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, BACKUP_DIR: dir } });
    expect([result.status, result.stdout, result.stderr]).toEqual([1, 'step one ran\n', 'stopped: step 1. backup (page line 9) failed with exit status 1\n']);
  });

  it('stops before anything runs when a variable is not set', () => {
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('BACKUP_DIR: set BACKUP_DIR first (see the page)');
  });
});

describe('steps that cannot be undone', () => {
  const page = (lang: string, code: string) => readPageBlocks(['```' + lang + ' run', code, '```', ''].join('\n'))[0]!;
  it('are found by rule: DROP, TRUNCATE, DELETE, dropdb, pg_restore --clean, rm, promotion, pg_resetwal', () => {
    expect(destructiveAction(page('sql', 'DROP TABLE orders;'))).toBe('DROP TABLE');
    expect(destructiveAction(page('sql', 'drop database appdb;'))).toBe('DROP DATABASE');
    expect(destructiveAction(page('sql', 'TRUNCATE orders;'))).toBe('TRUNCATE');
    expect(destructiveAction(page('bash', 'dropdb --if-exists appdb'))).toBe('dropdb');
    expect(destructiveAction(page('bash', 'pg_restore \\\n  --clean --if-exists -d appdb x.dump'))).toMatch(/^pg_restore --clean/);
    expect(destructiveAction(page('bash', 'pg_restore -c -d appdb x.dump'))).toMatch(/^pg_restore --clean/);
    expect(destructiveAction(page('bash', 'pg_restore -1cv -d appdb x.dump'))).toMatch(/^pg_restore --clean/);
    expect(destructiveAction(page('bash', 'cd /tmp && rm -rf "$PGDATA"'))).toBe('rm (deletes files)');
    expect(destructiveAction(page('bash', 'pg_ctl -D "$PGDATA" promote'))).toMatch(/^a promotion/);
    expect(destructiveAction(page('sql', 'SELECT pg_promote();'))).toMatch(/^a promotion/);
  });
  it('are not found in safe steps, comments or look-alike words', () => {
    for (const [lang, code] of [['bash', 'pg_dump -Fc appdb > x.dump'], ['bash', '# rm -rf "$PGDATA" would be wrong here'], ['bash', 'pg_restore -l x.dump'], ['bash', 'pg_restore --list x.dump | grep -c "TABLE DATA"'], ['bash', 'pg_restore -Fc -d appdb x.dump'],
      ['bash', 'ls -l /var/lib/postgresql/rm-me'], ['sql', '-- DROP TABLE orders;\nSELECT 1;'], ['bash', 'pg_dump --clean appdb > x.sql'], ['sql', "SELECT 'dropped' AS state;"]] as const) {
      expect(destructiveAction(page(lang, code)), code).toBeUndefined();
    }
  });
});

describe('a destructive step in the script', () => {
  const source = ['---', 'title: Example', '---', '', '```bash run id=before', 'echo before', '```', '',
    '```bash run id=wipe', 'rm -f "$BACKUP_DIR/old"', 'echo wiped', '```', '', '```bash run id=after', 'echo after', '```', ''].join('\n');
  const script = scriptOf(source);
  const run = (env: Record<string, string>, answer?: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-confirm-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'script.sh'), script);
    const base = { PATH: process.env.PATH!, BACKUP_DIR: dir, ...env };
    // A real terminal for /dev/tty: util-linux `script` runs bash on a pseudo-terminal fed from our stdin.
    return answer === undefined
      // setsid: no controlling terminal, even when the tests run in one.
      ? spawnSync('setsid', ['-w', 'bash', join(dir, 'script.sh')], { encoding: 'utf8', env: base, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawnSync('script', ['-qec', `bash ${join(dir, 'script.sh')}`, '/dev/null'], { encoding: 'utf8', env: base, input: `${answer}\n` });
  };

  it('asks on the terminal and runs the step only after "yes"', () => {
    expect(script).toContain("rb_step='2. wipe (page line 9)'\nrb_confirm 'rm (deletes files)'\nrm -f");
    const yes = run({}, 'yes');
    expect(yes.status).toBe(0);
    expect(yes.stdout).toContain('cannot be undone: rm (deletes files)');
    expect(yes.stdout).toMatch(/wiped\r?\nafter/);
  });

  it('stops before the step on any other answer, and names the step', () => {
    const no = run({}, 'no');
    expect(no.status).toBe(1);
    expect(no.stdout).not.toContain('wiped');
    expect(no.stdout).toContain('stopped: step 2. wipe (page line 9) failed with exit status 1');
  });

  it('stops without a terminal unless RUNBOOK_YES=1 approves', () => {
    const headless = run({});
    expect([headless.status, headless.stdout]).toEqual([1, 'before\n']);
    expect(headless.stderr).toContain('no terminal to ask on');
    const approved = run({ RUNBOOK_YES: '1' });
    expect([approved.status, approved.stdout]).toEqual([0, 'before\nwiped\nafter\n']);
  });
});

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
  const files = markdownFiles([relative(projectRoot, content)], projectRoot).map((file) => join(projectRoot, file));

  it('has no drill, proof or sandbox-only command outside a comment', () => {
    expect(files.length).toBeGreaterThan(40);
    const problems = files.flatMap((file) => {
      const script = live(scriptOf(readFileSync(file, 'utf8'), relative(projectRoot, file)));
      const found = [...drillScaffolding(script), ...proofScaffolding(script), ...sandboxOnlySettings(script), ...sandboxVariables(script)];
      return found.map((f) => `${relative(projectRoot, file)}: ${f.what} (${f.text})`);
    });
    expect(problems).toEqual([]);
  });

  it('is, once its own lines are removed, exactly the incident view\'s "copy all steps", and parses with bash -n', () => {
    let compared = 0;
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const script = scriptOf(source, relative(projectRoot, file));
      execFileSync('bash', ['-n'], { input: script });
      const steps = operatorSteps(readPageBlocks(source));
      expect(scriptSteps(script), file).toBe(steps.length > 0 ? copyAllText(steps.map((s) => s.script)) : '');
      compared += steps.length;
    }
    expect(compared).toBeGreaterThan(150);
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
