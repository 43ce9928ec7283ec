/**
 * Edge cases of the backup scripts (scripts/backup-postgres.sh,
 * backup-postgres-cron.sh, restore-postgres.sh, verify-restore.sh) and of the
 * offline CronJob checker (scripts/k8s/). The runbooks under content/ prove
 * the main paths against real servers; these tests pin what is awkward to
 * show on a page: a dump without its trailer, a clock that went backwards,
 * files retention must never touch, a failing notification hook, malformed
 * YAML.
 *
 * Most tests need no server: a fake pg_dump on PATH plays the failure. The
 * restore tests use one local throwaway cluster (the harness's own sandbox).
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { projectPaths } from '../../src/harness/files/project.ts';
import { findPostgres } from '../../src/harness/sandbox/postgres-binaries.ts';
import { LocalClusterSandbox } from '../../src/harness/sandbox/local-cluster.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';
import type { StartedSandbox } from '../../src/harness/sandbox/types.ts';
import { ShellSession } from '../../src/harness/execute/session.ts';

const { scripts } = projectPaths();
const BACKUP = join(scripts, 'backup-postgres.sh');
const CRON = join(scripts, 'backup-postgres-cron.sh');
const RESTORE = join(scripts, 'restore-postgres.sh');
const VERIFY = join(scripts, 'verify-restore.sh');
const CHECK = join(scripts, 'k8s', 'check-cronjob');
const MANIFEST = join(scripts, 'k8s', 'backup-cronjob.yaml');

/** pg_dump stand-in: FAKE_PG_DUMP=ok|no-trailer|fail|garbage; a database named bad* always fails. */
const FAKE_PG_DUMP = `#!/usr/bin/env bash
db='' file=''
for a in "$@"; do case $a in --dbname=*) db=\${a#*=} ;; --file=*) file=\${a#*=} ;; esac; done
mode=\${FAKE_PG_DUMP:-ok}
[[ $db != bad* ]] || mode=fail
out() { if [[ -n $file ]]; then cat >"$file"; else cat; fi; }
case $mode in
  ok) printf -- '-- dump of %s\\nSELECT 1;\\n\\n--\\n-- PostgreSQL database dump complete\\n--\\n\\n' "$db" | out ;;
  no-trailer) printf -- '-- dump of %s\\nSELECT 1;\\n' "$db" | out ;;
  fail) printf -- '-- dump of %s\\n' "$db" | out; echo 'pg_dump: error: query failed: ERROR:  permission denied for table secrets' >&2; exit 1 ;;
  garbage) printf 'PGDMP, not really' | out ;;
esac
`;

interface Scratch { dir: string; backups: string; bin: string; env: Record<string, string> }

let binDir = '';
beforeAll(async () => {
  binDir = (await findPostgres({ path: process.env.PATH ?? '' })).binDir;
});

/** A backup directory, a bin/ holding the fake pg_dump, and a minimal environment. */
function scratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'rb-scripts-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const backups = join(dir, 'backups');
  const bin = join(dir, 'bin');
  mkdirSync(backups);
  mkdirSync(bin);
  writeFileSync(join(bin, 'pg_dump'), FAKE_PG_DUMP);
  chmodSync(join(bin, 'pg_dump'), 0o755);
  return {
    dir, backups, bin,
    env: { PATH: `${bin}:${binDir}:/usr/local/bin:/usr/bin:/bin`, TZ: 'UTC', LANG: 'C.UTF-8', BACKUP_DIR: backups, PGDATABASE: 'appdb', TMPDIR: dir },
  };
}

async function run(argv: string[], env: Record<string, string>, input?: string) {
  const result = await execa(argv[0]!, argv.slice(1), { env, extendEnv: false, reject: false, ...(input !== undefined ? { input } : {}) });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function touchBackups(dir: string, names: string[]): void {
  for (const name of names) writeFileSync(join(dir, name), '');
}

function list(dir: string): string[] {
  return readdirSync(dir).sort();
}

describe('backup-postgres.sh', () => {
  it.each([
    [{ BACKUP_DIR: '' }, 'BACKUP_DIR is not set'],
    [{ BACKUP_DIR: '/nonexistent/backups' }, 'is not a directory'],
    [{ BACKUP_FORMAT: 'zip' }, 'BACKUP_FORMAT must be plain-gzip or custom'],
    [{ RETENTION_COUNT: 'seven' }, 'RETENTION_COUNT must be a whole number'],
    [{ RETENTION_DAILY: '0', RETENTION_WEEKLY: '0' }, 'that would keep nothing'],
    [{ RETENTION_COUNT: '7', RETENTION_DAILY: '7' }, 'not both'],
    [{ PGDATABASE: '' }, 'set PGDATABASE'],
    [{ PGDATABASE: '', DATABASES: 'a ../etc' }, 'cannot be a directory name'],
    [{ PGDATABASE: '', DATABASES: ' , ' }, 'DATABASES names no database'],
  ])('refuses bad configuration %j with exit 2 and a result line', async (override, message) => {
    const s = scratch();
    const r = await run([BACKUP], { ...s.env, ...override });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^backup-postgres: status=failed error="configuration: .*"$/);
    expect(r.stdout).toContain(message);
    expect(list(s.backups)).toEqual([]);
  });

  it('writes the file only after the checks, and prints one result line', async () => {
    const s = scratch();
    const r = await run([BACKUP], s.env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^backup-postgres: status=ok database=appdb file=\S+\/backup_\d{8}_\d{6}\.sql\.gz bytes=\d+ seconds=\d+ kept=1 deleted=0$/);
    expect(r.stdout.split('\n')).toHaveLength(1);
    const files = list(s.backups);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^backup_\d{8}_\d{6}\.sql\.gz$/);
    const mode = (await run(['stat', '-c', '%a', join(s.backups, files[0]!)], s.env)).stdout.trim();
    expect(mode).toBe('600');
  });

  it.each([
    ['no-trailer', 'the dump has no completion trailer'],
    ['fail', 'pg_dump failed (exit 1): pg_dump: error: query failed'],
  ])('pg_dump "%s": exit 1, no file, no .partial, nothing deleted', async (mode, message) => {
    const s = scratch();
    const old = Array.from({ length: 9 }, (_, i) => `backup_2024010${i + 1}_020000.sql.gz`);
    touchBackups(s.backups, old);
    const r = await run([BACKUP], { ...s.env, FAKE_PG_DUMP: mode, RETENTION_COUNT: '2' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('status=failed');
    expect(r.stdout).toContain(message);
    expect(r.stdout).toMatch(/ kept=0 deleted=0$/);
    expect(list(s.backups)).toEqual(old);
  });

  it('custom format: an archive pg_restore cannot read is not kept', async () => {
    const s = scratch();
    const r = await run([BACKUP], { ...s.env, BACKUP_FORMAT: 'custom', FAKE_PG_DUMP: 'garbage' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('pg_restore cannot read the archive');
    expect(list(s.backups)).toEqual([]);
  });

  it('retention only touches files named exactly backup_YYYYMMDD_HHMMSS.(sql.gz|dump)', async () => {
    const s = scratch();
    const strangers = ['backup_2024.sql.gz', 'backup_20240101_020000.sql.gz.partial', 'backup_20240101_020000.sql', 'notes.txt', 'Backup_20240101_020000.dump'];
    touchBackups(s.backups, strangers);
    touchBackups(s.backups, ['backup_20240101_020000.sql.gz', 'backup_20240102_020000.dump']);
    writeFileSync(join(s.dir, 'elsewhere'), 'precious');
    symlinkSync(join(s.dir, 'elsewhere'), join(s.backups, 'backup_20230101_020000.sql.gz'));
    mkdirSync(join(s.backups, 'backup_20220101_020000.dump'));
    const r = await run([BACKUP], { ...s.env, RETENTION_COUNT: '1' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/ kept=1 deleted=2$/);
    const left = list(s.backups);
    for (const name of [...strangers, 'backup_20230101_020000.sql.gz', 'backup_20220101_020000.dump']) expect(left).toContain(name);
    expect(left).not.toContain('backup_20240101_020000.sql.gz');
    expect(left).not.toContain('backup_20240102_020000.dump');
    expect(readFileSync(join(s.dir, 'elsewhere'), 'utf8')).toBe('precious');
  });

  it('never deletes the backup it has just written, even when the clock went backwards', async () => {
    const s = scratch();
    touchBackups(s.backups, ['backup_20990101_020000.sql.gz', 'backup_20990102_020000.sql.gz']);
    const r = await run([BACKUP], { ...s.env, RETENTION_COUNT: '2' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/ kept=3 deleted=0$/);
    expect(r.stderr).toContain('is not the newest backup');
    expect(list(s.backups)).toHaveLength(3);
  });

  it('RETENTION_COUNT=0 keeps everything', async () => {
    const s = scratch();
    touchBackups(s.backups, Array.from({ length: 12 }, (_, i) => `backup_202401${String(i + 10)}_020000.sql.gz`));
    const r = await run([BACKUP], { ...s.env, RETENTION_COUNT: '0' });
    expect(r.stdout).toMatch(/ kept=13 deleted=0$/);
  });

  it('a second run in the same second waits for the next one instead of overwriting', async () => {
    const s = scratch();
    const [a, b] = await Promise.all([run([BACKUP], s.env), run([BACKUP], s.env)]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(list(s.backups)).toHaveLength(2);
  });

  it('GFS keeps the newest backup of each of the N most recent days, ISO weeks and months that have one', async () => {
    const s = scratch();
    // Two backups a day from 2024-12-20 to 2025-01-05 (the year changes mid ISO week 2025-W01).
    const names: string[] = [];
    for (let d = new Date(Date.UTC(2024, 11, 20)); d <= new Date(Date.UTC(2025, 0, 5)); d.setUTCDate(d.getUTCDate() + 1)) {
      const day = d.toISOString().slice(0, 10).replace(/-/g, '');
      names.push(`backup_${day}_020000.sql.gz`, `backup_${day}_140000.dump`);
    }
    touchBackups(s.backups, names);
    const r = await run([BACKUP, '--plan'], { ...s.env, RETENTION_DAILY: '3', RETENTION_WEEKLY: '3', RETENTION_MONTHLY: '2' });
    expect(r.exitCode).toBe(0);
    const keep = r.stdout.split('\n').filter((l) => l.startsWith('keep'));
    expect(keep).toEqual([
      'keep   backup_20250105_140000.dump  daily,weekly,monthly',
      'keep   backup_20250104_140000.dump  daily',
      'keep   backup_20250103_140000.dump  daily',
      'keep   backup_20241229_140000.dump  weekly',
      'keep   backup_20241222_140000.dump  weekly',
      'keep   backup_20241231_140000.dump  monthly',
    ].sort((x, y) => (x.slice(7) < y.slice(7) ? 1 : -1)));
    expect(r.stdout.split('\n').filter((l) => l.startsWith('delete'))).toHaveLength(names.length - 6);
    expect(list(s.backups)).toHaveLength(names.length);
  });

  it('DATABASES: one subdirectory each; a failing database fails the run but not the others', async () => {
    const s = scratch();
    const r = await run([BACKUP], { ...s.env, PGDATABASE: '', DATABASES: 'appdb,bad_db shop' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^backup-postgres: status=failed database=appdb,bad_db,shop file=\S+\/appdb\/backup_\d{8}_\d{6}\.sql\.gz,\S+\/shop\/backup_\d{8}_\d{6}\.sql\.gz failed=bad_db error="bad_db: pg_dump failed/);
    expect(list(join(s.backups, 'appdb'))).toHaveLength(1);
    expect(list(join(s.backups, 'shop'))).toHaveLength(1);
    expect(list(join(s.backups, 'bad_db'))).toEqual([]);
  });
});

describe('backup-postgres-cron.sh', () => {
  function config(s: Scratch, extra = ''): string {
    const file = join(s.dir, 'pg-backup.env');
    writeFileSync(file, `BACKUP_DIR=${s.backups}\nPGDATABASE=appdb\nPG_BINDIR=${s.bin}\n`
      + `NOTIFY_COMMAND='printf "%s|%s|%s\\n" "$BACKUP_STATUS" "$BACKUP_EXIT" "$1" >> ${s.dir}/notify.log'\n${extra}`);
    return file;
  }
  const notified = (s: Scratch): string[] => readFileSync(join(s.dir, 'notify.log'), 'utf8').trim().split('\n');

  it('runs with an empty environment and notifies on success', async () => {
    const s = scratch();
    const r = await run(['env', '-i', CRON, config(s)], {});
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^backup-postgres: status=ok /);
    expect(notified(s)).toEqual([`ok|0|${r.stdout.trim()}`]);
  });

  it('a failed backup: exit 1, notified with status failed', async () => {
    const s = scratch();
    const r = await run(['env', '-i', CRON, config(s, 'FAKE_PG_DUMP=fail\n')], {});
    expect(r.exitCode).toBe(1);
    expect(notified(s)[0]).toMatch(/^failed\|1\|backup-postgres: status=failed /);
  });

  it('a held lock: exit 75 at once, notified with status locked, no backup', async () => {
    const s = scratch();
    const file = config(s);
    const r = await run(['flock', join(s.backups, '.backup-postgres.lock'), 'env', '-i', CRON, file], {});
    expect(r.exitCode).toBe(75);
    expect(r.stdout).toContain('status=locked');
    expect(notified(s)[0]).toMatch(/^locked\|75\|backup-postgres-cron: status=locked /);
    expect(list(s.backups)).toEqual(['.backup-postgres.lock']);
  });

  it('a configuration error: exit 2, still notified', async () => {
    const s = scratch();
    const file = join(s.dir, 'broken.env');
    writeFileSync(file, `NOTIFY_COMMAND='printf "%s\\n" "$BACKUP_STATUS" >> ${s.dir}/notify.log'\n`);
    const r = await run(['env', '-i', CRON, file], {});
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('BACKUP_DIR is not set');
    expect(notified(s)).toEqual(['failed']);
  });

  it('an ENV_FILE that does not parse: exit 2 with a result line', async () => {
    const s = scratch();
    const file = join(s.dir, 'broken.env');
    writeFileSync(file, `BACKUP_DIR=${s.backups}\nif then\n`);
    const r = await run(['env', '-i', CRON, file], {});
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^backup-postgres-cron: status=failed error="configuration: reading ENV_FILE .* failed"$/);
  });

  it('a failing or hanging NOTIFY_COMMAND does not change the exit status', async () => {
    const s = scratch();
    const file = join(s.dir, 'env');
    writeFileSync(file, `BACKUP_DIR=${s.backups}\nPGDATABASE=appdb\nPG_BINDIR=${s.bin}\nNOTIFY_TIMEOUT=1\nNOTIFY_COMMAND='sleep 30'\n`);
    const started = Date.now();
    const r = await run(['env', '-i', CRON, file], {});
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('NOTIFY_COMMAND failed (exit 124)');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('check-cronjob', () => {
  function manifest(edit: (text: string) => string): string {
    const dir = mkdtempSync(join(tmpdir(), 'rb-k8s-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'cronjob.yaml');
    writeFileSync(file, edit(readFileSync(MANIFEST, 'utf8')));
    return file;
  }
  const check = (file: string) => run([CHECK, file], { PATH: '/usr/bin:/bin' });

  it('accepts the shipped manifest', async () => {
    const r = await check(MANIFEST);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(': ok (CronJob pg-backup: schedule "15 2 * * *" in Etc/UTC, concurrencyPolicy Forbid');
  });

  it.each([
    ['*/15 * * * *', ''], ['0 2 * * 0', ''], ['0 2 * * SUN', ''], ['0 2 1-7 * mon-fri', ''], ['5 4 * jan,jul *', ''],
    ['@daily', ''], ['@every 1h30m', ''], ['0 0 ? * *', ''],
    ['0 2 * * 7', '7 is outside 0-6'], ['60 * * * *', '60 is outside 0-59'], ['0 24 * * *', '24 is outside 0-23'],
    ['0 2 * *', 'expected 5 fields'], ['0 2 * * * *', 'expected 5 fields'], ['0 2 0 * *', '0 is outside 1-31'],
    ['*/0 * * * *', 'bad step'], ['5-1 * * * *', 'goes backwards'], ['CRON_TZ=UTC 0 2 * * *', 'use spec.timeZone'],
    ['@fortnightly', 'unknown descriptor'], ['0 2 * foo *', 'foo is outside'],
  ])('schedule %j', async (schedule, problem) => {
    const r = await check(manifest((t) => t.replace('"15 2 * * *"', `"${schedule}"`)));
    if (problem === '') {
      expect(r.stdout).toContain(': ok (');
      expect(r.exitCode).toBe(0);
    } else {
      expect(r.stdout).toContain(problem);
      expect(r.exitCode).toBe(1);
    }
  });

  it.each([
    ['a quoted integer', (t: string) => t.replace('backoffLimit: 2', 'backoffLimit: "2"'), 'expected an integer, found the string "2"'],
    ['an unquoted yes as a string', (t: string) => t.replace('value: appdb', 'value: yes'), 'found the unquoted yes'],
    ['a mount of a volume that does not exist', (t: string) => t.replace('- name: backups\n                  mountPath', '- name: backup\n                  mountPath'), 'no volume named backup in'],
    ['an unknown field', (t: string) => t.replace('  timeZone: Etc/UTC', '  timezone: Etc/UTC'), 'spec.timezone: unknown field'],
    ['an unknown time zone', (t: string) => t.replace('timeZone: Etc/UTC', 'timeZone: Mars/Olympus_Mons'), 'unknown time zone Mars/Olympus_Mons'],
    ['a name that is not DNS-1123', (t: string) => t.replace('name: pg-backup\n  labels', 'name: PG_Backup\n  labels'), 'not a DNS-1123 subdomain'],
    ['a CronJob name over 52 characters', (t: string) => t.replace('name: pg-backup\n  labels', `name: ${'a'.repeat(53)}\n  labels`), 'longer than 52 characters'],
    ['value and valueFrom together', (t: string) => t.replace('- name: PGPASSWORD\n', '- name: PGPASSWORD\n                  value: x\n'), 'has both value and valueFrom'],
    ['no containers', (t: string) => t.replace(/ {10}containers:[\s\S]*? {10}volumes:/, '          containers: []\n          volumes:'), 'needs at least 1 item'],
    ['Replace instead of Forbid', (t: string) => t.replace('concurrencyPolicy: Forbid', 'concurrencyPolicy: Replace'), 'this project requires Forbid, found Replace'],
  ])('reports %s', async (_what, edit, problem) => {
    const r = await check(manifest(edit));
    expect(r.stdout).toContain(problem);
    expect(r.exitCode).toBe(1);
  });

  it.each([
    ['a flow sequence', 'command: ["/bin/sh", "-c"]', 'flow collections are not supported'],
    ['a block scalar', 'command: |', 'block scalars'],
    ['an alias', 'command: *cmd', 'anchors and aliases'],
    ['a tab in the indentation', '\tcommand: x', 'tabs are not allowed'],
    ['a duplicate key', 'kind: CronJob', 'duplicate key: kind'],
    ['a second document', '---\nkind: ConfigMap', 'several documents'],
  ])('refuses YAML it does not read: %s', async (_what, line, message) => {
    const r = await check(manifest((t) => `${t}${line}\n`));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
  });
});

describe('restore-postgres.sh, verify-restore.sh and test-backup-restore.sh against a server', () => {
  let started: StartedSandbox;
  let shell: ShellSession;
  const sh = async (script: string) => shell.run(script, 60_000);

  beforeAll(async () => {
    const base = mkdtempSync(join(tmpdir(), 'rb-scripts-srv-'));
    await execa('chmod', ['755', base]);
    const install = await findPostgres({ path: process.env.PATH ?? '' });
    started = await new LocalClusterSandbox({ install, scriptsDir: scripts, baseDir: base, settings: sandboxSettings(process.env) }).start();
    shell = await ShellSession.open(started.shell());
    const seed = await sh(`createdb appdb && psql -X -q -v ON_ERROR_STOP=1 -1 -d appdb -f "$RUNBOOK_FIXTURES/app.sql"
      pg_dump -d appdb -f "$BACKUP_DIR/appdb.sql" && gzip -k "$BACKUP_DIR/appdb.sql"
      pg_dump -d appdb -Fd -f "$BACKUP_DIR/appdb.dir"
      pg-fingerprint appdb > "$BACKUP_DIR/appdb.fp"`);
    expect(seed.stderr).toBe('');
    expect(seed.exitCode).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await shell?.close();
    await started?.stop();
  });

  const leftovers = async () => (await sh(`psql -X -At -c "select count(*) from pg_database where datname ~ '^(restore_tmp|verify_restore)_'"`)).stdout.trim();

  it('restores plain SQL and a directory archive (-j 2) into new databases equal to the source', async () => {
    for (const [file, db] of [['appdb.sql', 'r_plain'], ['appdb.dir', 'r_dir']]) {
      const r = await sh(`restore-postgres.sh --jobs 2 "$BACKUP_DIR/${file}" ${db} && pg-fingerprint ${db} > "$TMPDIR/${db}.fp" && pg-fingerprint-diff "$BACKUP_DIR/appdb.fp" "$TMPDIR/${db}.fp"`);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/fingerprints match: 4 tables/);
    }
  });

  it('a SQL file that fails halfway leaves neither the target nor a staging database', async () => {
    const r = await sh(`{ sed '/^-- PostgreSQL database dump complete/,$d' "$BACKUP_DIR/appdb.sql"; echo 'SELECT 1/0;'; echo '-- PostgreSQL database dump complete'; } > "$TMPDIR/fails.sql"
      restore-postgres.sh "$TMPDIR/fails.sql" r_fails`);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('error="the restore failed: psql:');
    expect(r.stdout).toContain('division by zero');
    const exists = await sh(`psql -X -At -c "select count(*) from pg_database where datname = 'r_fails'"`);
    expect(exists.stdout.trim()).toBe('0');
    expect(await leftovers()).toBe('0');
  });

  it('refuses a SQL file without the completion trailer before touching the server', async () => {
    const r = await sh(`head -n 40 "$BACKUP_DIR/appdb.sql" > "$TMPDIR/cut.sql"; restore-postgres.sh "$TMPDIR/cut.sql" r_cut`);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('no completion trailer');
  });

  it('an existing target: exit 3 and untouched; --force replaces it only after a complete restore', async () => {
    await sh(`createdb r_existing && psql -X -q -d r_existing -c 'create table marker (id int)'`);
    const refused = await sh(`restore-postgres.sh "$BACKUP_DIR/appdb.sql.gz" r_existing`);
    expect(refused.exitCode).toBe(3);
    const failedForce = await sh(`restore-postgres.sh --force "$TMPDIR/fails.sql" r_existing`);
    expect(failedForce.exitCode).toBe(1);
    expect((await sh(`psql -X -At -d r_existing -c "select to_regclass('marker') is not null"`)).stdout.trim()).toBe('t');
    const forced = await sh(`restore-postgres.sh --force "$BACKUP_DIR/appdb.sql.gz" r_existing`);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect((await sh(`psql -X -At -d r_existing -c "select to_regclass('marker') is null, count(*) from agents"`)).stdout.trim()).toBe('t|20');
    expect(await leftovers()).toBe('0');
  });

  it('verify-restore.sh: bad usage is exit 2; a restorable but different backup is "different"', async () => {
    const usage = await sh(`verify-restore.sh --source appdb --fingerprint "$BACKUP_DIR/appdb.fp" "$BACKUP_DIR/appdb.sql"`);
    expect(usage.exitCode).toBe(2);
    const different = await sh(`createdb other && psql -X -q -d other -c 'create table t (id int primary key)' && verify-restore.sh --source other "$BACKUP_DIR/appdb.sql.gz"`);
    expect(different.exitCode).toBe(1);
    expect(different.stdout).toMatch(/verify-restore: status=different file=\S+ differences=\d+\n$/);
    const kept = await sh(`verify-restore.sh --keep --fingerprint "$BACKUP_DIR/appdb.fp" "$BACKUP_DIR/appdb.dir"`);
    expect(kept.exitCode).toBe(0);
    const scratchDb = /scratch=(verify_restore_\d+)/.exec(kept.stdout)?.[1];
    expect(scratchDb).toBeDefined();
    expect((await sh(`psql -X -At -c "select count(*) from pg_database where datname = '${scratchDb}'"`)).stdout.trim()).toBe('1');
  });

  // test-backup-restore.sh: wrappers on PATH play a client older than the server, a restore that
  // loses rows and a source written to during the backup; everything else is the real thing.
  const drillDbs = async () => (await sh(`psql -X -At -c "select count(*) from pg_database where datname ~ '^drill_'"`)).stdout.trim();
  const wrap = (name: string, body: string) => sh(`mkdir -p "$TMPDIR/wrap-${name}" && cat > "$TMPDIR/wrap-${name}/${name}" <<'WRAPPER'
#!/usr/bin/env bash
real=$(PATH=\${PATH#*:} command -v ${name})
${body}
WRAPPER
chmod +x "$TMPDIR/wrap-${name}/${name}"`);
  const drill = (args: string, wrapped = '') => sh(`rm -rf "$TMPDIR/drill" && mkdir -p "$TMPDIR/drill" && `
    + `${wrapped ? `PATH="$TMPDIR/wrap-${wrapped}:$PATH" ` : ''}test-backup-restore.sh --backup-dir "$TMPDIR/drill" --json "$TMPDIR/drill/report.json" ${args} 2>"$TMPDIR/drill.log"`);
  const report = async () => JSON.parse((await sh(`cat "$TMPDIR/drill/report.json"`)).stdout) as {
    status: string; phases: { phase: string; status: string; detail: string }[]; backup: { file: string; bytes: number };
    differences: string[]; source_changed_during_backup: boolean;
  };
  const phases = async () => (await report()).phases.map((p) => `${p.phase} ${p.status}`);

  it('test-backup-restore.sh: four phases pass, the JSON report says so, the backup is kept, no test database is left', async () => {
    const r = await drill('--jobs 2 appdb');
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^test-backup-restore: status=ok database=appdb file=\S+\/backup_\d{8}_\d{6}\.dump report=\S+\/report\.json seconds=\d+\n$/);
    expect(await phases()).toEqual(['prerequisites ok', 'backup ok', 'restore ok', 'integrity ok']);
    const json = await report();
    expect(json.backup.bytes).toBeGreaterThan(1000);
    expect(json.differences).toEqual([]);
    expect(json.source_changed_during_backup).toBe(false);
    expect(json.phases[3]!.detail).toMatch(/^fingerprints match: 4 tables \(198 rows\)/);
    expect((await sh(`ls "$TMPDIR/drill" | grep -c '^backup_'`)).stdout.trim()).toBe('1');
    expect(await drillDbs()).toBe('0');
  });

  it('test-backup-restore.sh: a pg_dump older than the server stops the drill in its first phase', async () => {
    await wrap('pg_dump', 'if [[ ${1:-} == --version ]]; then echo "pg_dump (PostgreSQL) 12.22"; exit 0; fi\nexec "$real" "$@"');
    const r = await drill('appdb', 'pg_dump');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/status=failed database=appdb phase=prerequisites error="pg_dump is version 12, older than the server \(\d+\): use the client tools of PostgreSQL \d+ or newer/);
    expect(await phases()).toEqual(['prerequisites failed', 'backup skipped', 'restore skipped', 'integrity skipped']);
    expect((await sh(`ls "$TMPDIR/drill" | grep -c '^backup_' || true`)).stdout.trim()).toBe('0');
  });

  it('test-backup-restore.sh: a restore that loses rows fails the integrity phase, naming the table', async () => {
    await wrap('pg_restore', `"$real" "$@" || exit
for a in "$@"; do case $a in --dbname=*) db=\${a#*=} ;; esac; done
[[ -z \${db:-} ]] || psql -X -q -d "$db" -c 'delete from public.tasks where id > 100'`);
    const r = await drill('appdb', 'pg_restore');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('public.tasks: 20 rows missing (120 expected, 100 found)\n');
    expect(r.stdout).toMatch(/status=failed database=appdb phase=integrity error="the restored copy differs from the source: 1 difference"/);
    const json = await report();
    expect(json.status).toBe('failed');
    expect(json.differences).toEqual(['public.tasks: 20 rows missing (120 expected, 100 found)']);
    expect(await drillDbs()).toBe('0');
  });

  it('test-backup-restore.sh: a source written to during the backup is inconclusive, not blamed on the backup', async () => {
    await sh(`createdb busy && psql -X -q -v ON_ERROR_STOP=1 -1 -d busy -f "$RUNBOOK_FIXTURES/app.sql"`);
    await wrap('pg_dump', `[[ \${1:-} == --version ]] || psql -X -q -d busy -c "update public.agents set display_name = display_name || '!' where id = 1"
exec "$real" "$@"`);
    const r = await drill('busy', 'pg_dump');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/status=inconclusive database=busy phase=integrity error="1 difference, but the source changed while the backup ran/);
    const json = await report();
    expect(json.source_changed_during_backup).toBe(true);
    expect(json.differences).toHaveLength(1);
    expect(json.differences[0]).toMatch(/^public\.agents: /);
  });

  it('test-backup-restore.sh: bad usage is exit 2', async () => {
    for (const args of ['', '--format tar appdb', '--jobs 0 appdb', 'appdb otherdb', '--backup-dir /nonexistent appdb']) {
      const r = await sh(`test-backup-restore.sh ${args.includes('--backup-dir') ? '' : '--backup-dir "$TMPDIR"'} ${args}`);
      expect(r.exitCode, args).toBe(2);
      expect(r.stderr, args).toContain("Try 'test-backup-restore --help'.");
    }
  });
});
