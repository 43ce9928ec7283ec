import type { Mutant } from '../mutants.ts';

const FILE = 'content/backup/barman.md';

/** Issue 18: the Barman page's promises (a recovery reaches its target; retention keeps what it says), broken while every command exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // The restore point is in the segment db1 is still writing: pg_receivewal has it as a .partial file, which
    // Barman does not restore from. Recovery replays what the archive has and ends before the target; PostgreSQL
    // refuses to start rather than promote a cluster that is not at the requested point.
    name: 'barman: recover without closing the segment that holds the restore point',
    file: FILE,
    patches: [{
      from: '```bash run id=recover server=backup on="backup" title="Recover to the restore point"\nclose_segment > /dev/null\n',
      to: '```bash run id=recover server=backup on="backup" title="Recover to the restore point"\n',
    }],
    step: 'recover',
    // PostgreSQL refuses at the end of the archive; when it reached a consistent state first (a slow machine),
    // pg_ctl has already returned and the refusal shows as the server gone at the next connection.
    expect: [/pg_ctl: could not start server|connection to server on socket "\$PGHOST\/\.s\.PGSQL\.5433" failed/],
    docker: { pg: 17 },
  },
  {
    // One backup kept: the window shrinks to the newest backup's end, a day's worth of recovery points gone.
    name: 'barman: retention keeps one backup where the page promises two',
    file: FILE,
    patches: [{ from: 'retention_policy = REDUNDANCY 2\n', to: 'retention_policy = REDUNDANCY 1\n' }],
    step: 'more-backups',
    expect: [/^1$/m],
    docker: { pg: 17 },
  },
  {
    // minimum_redundancy above the retention policy's redundancy: Barman enforces the larger (3 backups kept where
    // the page promises 2, a warning in its log alone), and until a third backup exists every `barman check` reports
    // FAILED, so the monitoring the page sets up on check (alert on any FAILED) is red from the first backup on.
    // `barman backup` runs the same checks but passes over this one (non-critical), so every command exits 0:
    // only the check step, which counts the FAILED lines, shows it.
    name: 'barman: minimum_redundancy set above the retention policy',
    file: FILE,
    patches: [{ from: 'minimum_redundancy = 1\n', to: 'minimum_redundancy = 3\n' }],
    step: 'check',
    expect: ['minimum redundancy requirements: FAILED (have 1 backups, expected at least 3)', 'failed checks: 1, exit status 1'],
    docker: { pg: 17 },
  },
  {
    // The restore point's time written down in db1's local time, without its offset (db1 and its operators in
    // Tokyo; PGTZ stands for db1's `timezone` setting). The backup server runs in UTC and reads the time as UTC,
    // 9 hours later: the target is no longer before the oldest backup kept, and Barman, which only warns that it
    // assumed its own time zone, goes ahead with a recovery to a moment that is not the restore point's (here one
    // in the future: PostgreSQL would replay every WAL segment, the mistake included, and then refuse to start,
    // the target never reached). The refusal proof sees the recovery go ahead (exit status 0).
    name: 'barman: the target time written down without its time zone',
    file: FILE,
    patches: [{
      from: 'psql -X -At -c "select now()" > "$BACKUP_DIR/before-cleanup.time"',
      to: 'PGTZ=Asia/Tokyo psql -X -At -c "select localtimestamp(0)" > "$BACKUP_DIR/before-cleanup.time"',
    }],
    step: 'outside-window',
    expect: ['barman recover: exit status 0'],
    docker: { pg: 17 },
  },
];
