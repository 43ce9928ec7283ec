import type { Mutant } from '../mutants.ts';

const FILE = 'content/restore/big-restores.md';

/**
 * Issue 19: large restores (lock table, timed restores) whose commands exit 0 but whose promise breaks.
 * In a container of the version the page's lock-table figures were written for: the local sandbox's
 * server may be sized differently (max_connections), which moves the point where the lock table fills.
 */
export const MUTANTS: Mutant[] = [
  {
    // ALTER SYSTEM writes the new value to postgresql.auto.conf, but max_locks_per_transaction is read only at
    // server start: without the restart the lock table keeps its 64 slots per session and the single-transaction
    // restores that follow would fail again. The step's own check (SHOW, expected 256) catches it at once.
    name: 'big-restores: max_locks_per_transaction raised with ALTER SYSTEM but the server not restarted',
    file: FILE,
    patches: [{
      from: 'pg_ctl --pgdata="$PGDATA" --log="$SERVER_LOG" --wait restart > /dev/null\n',
      to: '',
    }],
    step: 'raise-locks',
    expect: [/^64$/m],
    docker: { pg: 17 },
  },
  {
    // The fix left out (the lock table stays at 64 slots per session) and the plain dump replayed with
    // `psql --single-transaction` but without ON_ERROR_STOP: "out of shared memory", then every later statement
    // fails inside the aborted transaction, the final COMMIT rolls back, and psql exits 0 having restored nothing.
    // Only the fingerprint comparison after it sees the empty database.
    name: 'big-restores: lock table not raised and psql -1 without ON_ERROR_STOP (exits 0, restores nothing)',
    file: FILE,
    patches: [
      { from: 'psql -X -q -c "ALTER SYSTEM SET max_locks_per_transaction = 256"\n', to: '' },
      { from: 'psql -X -At -c "SHOW max_locks_per_transaction"\n```\n\n```text output\n256\n```', to: 'psql -X -At -c "SHOW max_locks_per_transaction"\n```\n\n```text output\n64\n```' },
      {
        from: 'psql -X -q -v ON_ERROR_STOP=1 --single-transaction --output=/dev/null --dbname=manydb_sql --file="$BACKUP_DIR/manydb.sql"\n```\n\n```bash run id=psql-single-proven',
        to: 'psql -X -q --single-transaction --output=/dev/null --dbname=manydb_sql --file="$BACKUP_DIR/manydb.sql"\n```\n\n```bash run id=psql-single-proven',
      },
    ],
    step: 'psql-single-proven',
    expect: ['table public.item_1 missing', 'table public.item_3000 missing'],
    docker: { pg: 17 },
  },
  {
    // Every timed restore leaves out one table's rows, through an edited table of contents (`pg_restore --list`,
    // a line removed, `--use-list`), as when a list made for a partial restore is reused: pg_restore exits 0 and
    // is faster for it, so the chart would show a restore that never happened as a quick one. The fingerprint of
    // each copy names the missing rows. (pg_restore has no --exclude-table-data: that is pg_dump's.)
    name: 'big-restores: a timed restore that leaves out a table\'s rows (an edited --use-list)',
    file: FILE,
    patches: [
      {
        from: '  local start=$EPOCHREALTIME\n',
        to: '  pg_restore --list "$BACKUP_DIR/bigdb.dump" | grep -v \'TABLE DATA public events_4 \' > "$BACKUP_DIR/bigdb.list"\n  local start=$EPOCHREALTIME\n',
      },
      {
        from: '--dbname="$target" "$BACKUP_DIR/bigdb.dump"',
        to: '--use-list="$BACKUP_DIR/bigdb.list" --dbname="$target" "$BACKUP_DIR/bigdb.dump"',
      },
    ],
    step: 'restore-times-proven',
    expect: ['public.events_4: 150000 rows missing (150000 expected, 0 found)'],
    docker: { pg: 17 },
  },
  {
    // The "fast restore" of tables without their indexes and constraints (pre-data and data sections only): the
    // expensive part of a restore, the index builds, is skipped, pg_restore exits 0, and the times drop. The
    // fingerprint's schema lines name each missing index.
    name: 'big-restores: timed restores without the post-data section (no indexes built)',
    file: FILE,
    patches: [{
      from: 'pg_restore --exit-on-error --jobs="$jobs" --dbname="$target"',
      to: 'pg_restore --exit-on-error --jobs="$jobs" --section=pre-data --section=data --dbname="$target"',
    }],
    step: 'restore-times-proven',
    expect: ['index public.events_1_hash_idx missing'],
    docker: { pg: 17 },
  },
];
