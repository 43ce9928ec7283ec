import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { findRestore, newRestoreContext, provesData } from '../../src/harness/parse/restores.ts';
import type { Step } from '../../src/harness/model.ts';

/** The restore found in the last of `steps`, after the earlier ones have left their dumps and base backups. */
function restoreIn(...steps: string[]): string | undefined {
  const context = newRestoreContext();
  let found;
  for (const code of steps) found = findRestore(code, context);
  return found && `${found.text}@${found.offset}`;
}

describe('which steps restore data', () => {
  it('pg_restore into a database, however it is spelt', () => {
    expect(restoreIn('pg_restore --exit-on-error --dbname=appdb x.dump')).toBe('pg_restore@0');
    expect(restoreIn('createdb a\npg_restore -d a \\\n  x.dump')).toBe('pg_restore@11');
    expect(restoreIn('time pg_restore -j 4 -d a x.dump')).toBe('pg_restore@5');
    expect(restoreIn('PGPORT=5433 pg_restore --create --dbname postgres x.dump')).toBe('pg_restore@12');
  });

  it('not pg_restore that only reads the archive or writes SQL', () => {
    expect(restoreIn('pg_restore --list x.dump | grep TABLE')).toBeUndefined();
    expect(restoreIn('pg_restore --file=/dev/null x.dump && echo readable')).toBeUndefined();
    expect(restoreIn('pg_restore -t tasks -f tasks.sql x.dump')).toBeUndefined();
    expect(restoreIn('echo "run pg_restore -d appdb later"')).toBeUndefined();
  });

  it('psql replaying a file that pg_dump, pg_dumpall or pg_restore wrote earlier, not any SQL file', () => {
    const dump = 'pg_dump --dbname=appdb --file="$BACKUP_DIR/appdb.sql"';
    expect(restoreIn(dump, 'psql -X -v ON_ERROR_STOP=1 -d new -f "$BACKUP_DIR/appdb.sql"')).toBe('psql@0');
    expect(restoreIn(dump, 'psql -d new --file=${BACKUP_DIR}/appdb.sql')).toBe('psql@0');
    expect(restoreIn('pg_dumpall --globals-only > globals.sql', 'psql -X -d postgres < globals.sql')).toBe('psql@0');
    expect(restoreIn('pg_restore -t tasks -f tasks.sql x.dump', 'psql -d appdb --file=tasks.sql')).toBe('psql@0');
    expect(restoreIn(dump, 'psql -d appdb -f 0042_migration.sql')).toBeUndefined();
    expect(restoreIn('psql -d appdb -f "$BACKUP_DIR/appdb.sql"')).toBeUndefined();
    expect(restoreIn(dump, "psql -d appdb <<'SQL'\nselect 1;\nSQL")).toBeUndefined();
  });

  it('psql at the end of a pipe from a decompressor or pg_restore, not from anything', () => {
    expect(restoreIn('gunzip -c "$BACKUP_DIR/appdb.sql.gz" | psql -X -1 -d new')).toBe('psql@39');
    expect(restoreIn('zstd -dc x.sql.zst \\\n  | psql -d new > /dev/null')).toBe('psql@25');
    expect(restoreIn('{\n  echo "SET x = 1;"\n  pg_restore --data-only --file=- x.dump\n} | psql -d appdb')).toBe('psql@67');
    expect(restoreIn('gunzip -c x.sql.gz | time psql -d new')).toBe('psql@26');
    expect(restoreIn('echo "select 1" | psql -d appdb')).toBeUndefined();
    expect(restoreIn('gzip -t x.sql.gz\necho "select 1" | psql -d appdb')).toBeUndefined();
    expect(restoreIn('psql -d a -c "select 1" || psql -d b')).toBeUndefined();
  });

  it('a recovery or standby signal created, not merely looked at', () => {
    expect(restoreIn('cp -a base "$R"\ntouch "$R/recovery.signal"')).toBe('recovery.signal@26');
    expect(restoreIn(': > "$PGDATA/standby.signal"')).toBe('standby.signal@13');
    expect(restoreIn('ls "$STANDBY/standby.signal"')).toBeUndefined();
    expect(restoreIn('test ! -e "$R/recovery.signal" && echo promoted')).toBeUndefined();
  });

  it('a standby made by pg_basebackup -R, and pgbackrest restore', () => {
    expect(restoreIn('pg_basebackup --pgdata="$S" --write-recovery-conf')).toBe('pg_basebackup@0');
    expect(restoreIn('pg_basebackup -D "$S" -R -X stream')).toBe('pg_basebackup@0');
    expect(restoreIn('pg_basebackup -D "$BACKUP_DIR/base" -X stream')).toBeUndefined();
    expect(restoreIn('pgbackrest --stanza=main --delta restore')).toBe('pgbackrest@0');
    expect(restoreIn('pgbackrest --stanza=main info')).toBeUndefined();
  });

  it('pg_ctl start on a directory that a base backup, its extraction or its copy made', () => {
    const start = (dir: string) => `pg_ctl --pgdata=${dir} --log=x.log --wait start`;
    expect(restoreIn('pg_basebackup -D "$R" -X stream', start('"$R"'))).toBe('pg_ctl@0');
    expect(restoreIn('pg_basebackup -D "$BACKUP_DIR/base"', 'cp -a "$BACKUP_DIR/base" "$R"', start('"$R"'))).toBe('pg_ctl@0');
    expect(restoreIn('tar -xf base.tar -C "$PGDATA"', 'pg_ctl -l "$SERVER_LOG" -w start')).toBe('pg_ctl@0');
    expect(restoreIn('pg_combinebackup full incr --output="$C"', start('"$C"'))).toBe('pg_ctl@0');
    expect(restoreIn('pg_basebackup -D "$R"', 'pg_ctl -D "$R" restart')).toBeUndefined();
    expect(restoreIn('initdb -D "$N"', start('"$N"'))).toBeUndefined();
    expect(restoreIn('tar xzf base.tar.gz -C "$R"', start('"$R"'))).toBe('pg_ctl@0');
    expect(restoreIn('tar --extract --file=base.tar --directory="$R"', start('"$R"'))).toBe('pg_ctl@0');
    expect(restoreIn('tar -tf base.tar -C "$R"', start('"$R"'))).toBeUndefined();
    expect(restoreIn('tar -cf index.tar -C "$R" .', start('"$R"'))).toBeUndefined();
  });
});

function step(code: string, fields: Partial<Step> = {}): Step {
  return {
    id: 's', explicitId: true, index: 1, position: { file: 'x.md', line: 1, column: 1 }, language: 'bash', lang: 'bash',
    code, meta: 'run', hidden: false, role: 'operator', exit: { kind: 'codes', codes: [0] }, timeoutMs: 1000, expectations: [], ...fields,
  };
}
const output = { stream: 'stdout', mode: 'exact', text: '3', negate: false, position: { file: 'x.md', line: 2, column: 1 }, shown: true } as const;

describe('which steps prove data', () => {
  it('a fingerprint comparison or a ledger check', () => {
    expect(provesData(step('pg-fingerprint-diff a b', { role: 'proof' }))).toBe(true);
    expect(provesData(step('prove_equal appdb_restored', { role: 'proof' }))).toBe(true);
    expect(provesData(step('ack-ledger check l --table t --dbname=appdb', { role: 'proof' }))).toBe(true);
  });

  it('a query of a table whose answer the page checks', () => {
    expect(provesData(step('select count(*) from tasks;', { language: 'sql', lang: 'sql', expectations: [output] }))).toBe(true);
    expect(provesData(step('psql -At -p 5433 -c "select count(*) from public.tasks"', { expectations: [output] }))).toBe(true);
    expect(provesData(step('test "$(psql -At -c \'table tasks\' | wc -l)" = 3', { role: 'proof' }))).toBe(true);
  });

  it('not a query whose answer nobody checks, nor a query of the catalogs or settings', () => {
    expect(provesData(step('psql -c "select count(*) from tasks"'))).toBe(false);
    expect(provesData(step('psql -c "select count(*) from tasks"', { expectations: [{ ...output, negate: true }] }))).toBe(false);
    expect(provesData(step('select state from pg_stat_replication;', { language: 'sql', lang: 'sql', expectations: [output] }))).toBe(false);
    expect(provesData(step("select current_setting('work_mem');", { language: 'sql', lang: 'sql', expectations: [output] }))).toBe(false);
    expect(provesData(step('pg_ctl status', { expectations: [output] }))).toBe(false);
  });
});

describe('the page-level rule', () => {
  const page = (frontmatter: string, ...blocks: string[]) =>
    parseRunbook(`---\ntitle: t\n${frontmatter}---\n\n${blocks.map((b) => `${b}\n\n`).join('')}`, 'x.md');
  const restore = '```bash run\npg_restore -d new x.dump\n```';

  it('counts only the operator\'s restores: a drill stages, a proof checks', () => {
    expect(page('', restore).diagnostics.map((d) => d.code)).toEqual(['RB125']);
    expect(page('', restore.replace('run', 'run role=drill')).diagnostics).toEqual([]);
    expect(page('', restore.replace('run', 'run hidden')).diagnostics).toEqual([]);
    expect(page('', restore.replace('run', 'run exit=1')).diagnostics).toEqual([]);
  });

  it('wants a reason in the exemption', () => {
    const empty = page('runbook:\n  unproven-restore: ""\n', restore).diagnostics;
    expect(empty.map((d) => [d.code, d.position.line])).toEqual([['RB111', 4], ['RB125', 8]]);
    expect(page('runbook:\n  unproven-restore:\n', restore).diagnostics.map((d) => d.code)).toEqual(['RB111', 'RB125']);
    expect(page('runbook:\n  unproven-restore: "timings only"\n', restore).runbook!.settings.unprovenRestore).toBe('timings only');
  });

  it('carries on= and as= into the step', () => {
    const { runbook } = page('', '```bash run on="db2 (standby)" as=postgres\npg_ctl status || true\n```', '```bash run\ntrue\n```');
    expect(runbook!.steps.map((s) => [s.on, s.as])).toEqual([['db2 (standby)', 'postgres'], [undefined, undefined]]);
  });
});
