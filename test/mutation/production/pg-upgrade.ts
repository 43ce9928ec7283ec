import type { Mutant } from '../mutants.ts';

const FILE = 'content/restore/pg-upgrade.md';

/** Issue 19: after pg_upgrade --link the old cluster must never start again, broken while every command exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // A "rollback" after --link: the old cluster's pg_control renamed back, the old cluster started and written to
    // (as an application still pointed at it would), then the new cluster started. Every command succeeds; the two
    // clusters share each data file, so the old cluster's writes land in the new one, under transaction ids the new
    // cluster reads as its own. Only the fingerprint against appdb before the upgrade sees it.
    name: 'pg_upgrade: the old cluster started after --link',
    file: FILE,
    patches: [{
      from: '```bash run id=start-new title="Start the new cluster"\n',
      to: '```bash run id=start-new title="Start the new cluster"\n'
        + 'mv "$OLD_PGDATA/global/pg_control.old" "$OLD_PGDATA/global/pg_control"\n'
        + '"$OLD_BINDIR/pg_ctl" -D "$OLD_PGDATA" -l "$NEW_LOG.old" -w -o "-p 5433 -c listen_addresses=\'\' -c unix_socket_directories=\'$PGHOST\'" start > /dev/null\n'
        + 'psql -X -q -p 5433 -d appdb -c "UPDATE job_hooks SET hook = \'written by the old cluster\'" -c CHECKPOINT\n'
        + '"$OLD_BINDIR/pg_ctl" -D "$OLD_PGDATA" -m fast -w stop > /dev/null\n',
    }],
    step: 'prove-upgrade',
    expect: ['public.job_hooks'],
    docker: { pg: 17 },
  },
];
