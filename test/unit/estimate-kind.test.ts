/**
 * Which steps of the guide get a time estimate, and as what kind of work.
 * The step texts are read from the pages themselves (by id), so a rule that
 * stops matching the guide's real commands fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPageBlocks } from '../../src/site/page-blocks.ts';
import { pageWork, stepWork, type RateKey } from '../../src/site/estimate/kind.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

const parsed = new Map<string, Map<string, RateKey[]>>();

/** The rate keys of every step of a page, by step id (page order matters for recoveries). */
function pageKinds(file: string): Map<string, RateKey[]> {
  const known = parsed.get(file);
  if (known) return known;
  const steps = readPageBlocks(readFileSync(path.join(ROOT, file), 'utf8')).filter((b) => b.info.kind === 'step');
  const work = pageWork(steps.map((b) => ({ code: b.code, language: b.language! })));
  const kinds = new Map(steps.map((b, i) => [b.info.id ?? `step-${b.stepIndex}`, work[i]!.map((w) => w.rate)]));
  parsed.set(file, kinds);
  return kinds;
}

function kindsOf(file: string, id: string): RateKey[] {
  const kinds = pageKinds(file).get(id);
  if (kinds === undefined) throw new Error(`${file} has no step "${id}": update this test to a step the page has`);
  return kinds;
}

const bash = (code: string) => stepWork({ code, language: 'bash' }).map((w) => w.rate);

describe('the kind of data-sized work a step does, on the guide\'s own steps', () => {
  it.each([
    ['content/backup/custom-format-parallel-restore.md', 'dump', ['dump']],
    ['content/backup/custom-format-parallel-restore.md', 'restore', ['restore']],
    ['content/restore/restore-formats.md', 'custom', ['restore']],
    ['content/restore/restore-formats.md', 'tar', ['restore']],
    ['content/restore/restore-formats.md', 'plain', ['restore-psql']],
    // gunzip -c … | psql: a dump fed through a decompressor
    ['content/restore/restore-formats.md', 'gzip', ['restore-psql']],
    ['content/backup/plain-sql-dump.md', 'dump', ['dump']],
    ['content/backup/plain-sql-dump.md', 'restore', ['restore-psql']],
    ['content/backup/physical-backups.md', 'basebackup', ['base-backup']],
    ['content/backup/physical-backups.md', 'restore-files', ['base-backup']],
    ['content/backup/incremental-backups.md', 'combine', ['base-backup']],
    ['content/backup/pgbackrest.md', 'backup-full', ['base-backup']],
    ['content/backup/containers.md', 'tar', ['base-backup']],
    ['content/pitr/point-in-time-recovery.md', 'base-backup', ['base-backup']],
    // recovery.signal is written by prepare-recovery; the start of the next step replays the WAL
    ['content/pitr/point-in-time-recovery.md', 'prepare-recovery', ['base-backup']],
    ['content/pitr/point-in-time-recovery.md', 'start-recovered', ['wal-replay']],
    ['content/disaster/accidental-deletion.md', 'pitr-copy', ['base-backup', 'wal-replay']],
    // pgbackrest restore writes the recovery settings itself
    ['content/backup/pgbackrest.md', 'start-pitr', ['wal-replay']],
    ['content/backup/pgbackrest.md', 'restore-delta', ['base-backup', 'wal-replay']],
  ] as const)('%s, step %s: %j', (file, id, expected) => {
    expect(kindsOf(file, id)).toEqual(expected);
  });

  it.each([
    // pg_restore that only reads the archive (--list, --file) restores nothing
    ['content/backup/custom-format-parallel-restore.md', 'list-passes'],
    // the page's own SQL script, not a dump, though psql reads it with --file
    ['content/troubleshooting/sequences-out-of-sync.md', 'detect'],
    // `for tool in pg_dump psql` names the tool, it does not run it
    ['content/troubleshooting/version-mismatch.md', 'old-tools'],
    // a function definition runs nothing until it is called
    ['content/pitr/recovery-targets.md', 'try-recovery'],
    // a restart of the primary is not a recovery from a backup
    ['content/pitr/point-in-time-recovery.md', 'stop-copy'],
  ] as const)('%s, step %s: none', (file, id) => {
    expect(kindsOf(file, id)).toEqual([]);
  });

  it('finds WAL replay on every recovery start of the PITR page, and nowhere else on it', () => {
    const kinds = pageKinds('content/pitr/point-in-time-recovery.md');
    const replays = [...kinds].filter(([, k]) => k.includes('wal-replay')).map(([id]) => id);
    expect(replays).toContain('start-recovered');
    // each recovery.signal is consumed by one start: a later restart of the same directory is not a replay
    expect(new Set(replays).size).toBe(replays.length);
    expect(replays.every((id) => !/stop|backup|archiv/.test(id))).toBe(true);
  });
});

describe('the rules, one by one', () => {
  it('dump: pg_dump and pg_dumpall of data, not of the schema or globals alone', () => {
    expect(bash('pg_dump --dbname=appdb --format=custom --file=appdb.dump')).toEqual(['dump']);
    expect(bash('pg_dumpall --file=all.sql')).toEqual(['dump']);
    expect(bash('pg_dump --dbname=appdb --schema-only --file=s.sql')).toEqual([]);
    expect(bash('pg_dumpall --globals-only --file=globals.sql')).toEqual([]);
    expect(bash('PG_BINDIR=$(dirname "$(command -v pg_dump)")')).toEqual([]);
    expect(bash('# pg_dump appdb > appdb.sql')).toEqual([]);
  });

  it('restore: pg_restore into a database, psql replaying a dump', () => {
    expect(bash('pg_restore --exit-on-error --jobs=4 -d appdb_restored appdb.dump')).toEqual(['restore']);
    expect(bash('pg_restore --list appdb.dump | grep TABLE')).toEqual([]);
    expect(bash('pg_restore --file=/dev/null appdb.dump')).toEqual([]);
    expect(bash('pg_dump appdb > appdb.sql\npsql -X -d copy < appdb.sql')).toEqual(['dump', 'restore-psql']);
    expect(bash('psql -X -d appdb -f migration.sql')).toEqual([]);
    expect(bash('zstd -d -c appdb.sql.zst |\n  psql -X -q -d copy')).toEqual(['restore-psql']);
    expect(bash('pg_dump appdb | psql -X -d copy')).toEqual(['dump', 'restore-psql']);
    expect(bash("psql -X -d appdb <<'SQL'\nselect 1;\nSQL")).toEqual([]);
  });

  it('base backup: the tools, and copies of a data directory', () => {
    expect(bash('pg_basebackup -D "$BACKUP_DIR/base" -Fp -X stream -c fast')).toEqual(['base-backup']);
    expect(bash('rsync -a "$PGDATA/" standby:/srv/pgdata/')).toEqual(['base-backup']);
    expect(bash('tar -xzf base.tar.gz -C "$NEW_PGDATA"')).toEqual(['base-backup']);
    expect(bash('tar -tf "$BACKUP_DIR/base-tar/base.tar"')).toEqual([]);
    expect(bash('cp "$PGDATA/postgresql.conf" /tmp/')).toEqual([]);
  });

  it('WAL replay: a start after recovery.signal, once', () => {
    const steps = [
      'cp -a "$BACKUP_DIR/base" "$R"\ntouch "$R/recovery.signal"',
      'pg_ctl -D "$R" -l r.log -w start',
      'pg_ctl -D "$R" -m fast stop\npg_ctl -D "$R" -w start',
    ].map((code) => ({ code, language: 'bash' as const }));
    expect(pageWork(steps).map((w) => w.map((x) => x.rate))).toEqual([['base-backup'], ['wal-replay'], []]);
    expect(bash('pg_ctl -D "$PGDATA" -l "$SERVER_LOG" -w start')).toEqual([]);
  });

  it('SQL steps do none of it', () => {
    expect(stepWork({ code: "insert into skills values ('pg_dump', 'pg_basebackup');", language: 'sql' })).toEqual([]);
  });
});
