import type { Mutant } from '../mutants.ts';

const FILE = 'content/failover/rejoin-with-pg-rewind.md';

/** Issue 17: mutants of the failover chapter that break what the page promises while every command still exits 0. */
export const MUTANTS: Mutant[] = [
  {
    name: 'failover: the old primary is started as a standby without pg_rewind',
    file: FILE,
    patches: [{
      from: 'mv "$PGDATA.fenced" "$PGDATA"\npg_rewind --target-pgdata="$PGDATA" \\\n  --source-server="host=$PRIMARY_PGHOST port=$PRIMARY_PGPORT user=rewinder dbname=postgres"\n```\n\n'
        + '```text output stream=stderr match=regex\nservers diverged at WAL location [0-9A-F]+/[0-9A-F]+ on timeline 2\n(.*\\n)*pg_rewind: Done!\n```\n',
      to: 'mv "$PGDATA.fenced" "$PGDATA"\n```\n',
    }],
    // Its history forked from the new primary's: it starts, in recovery, and never streams
    // db1's timeline (its walreceiver shows 'streaming' for a moment on each retry, on timeline 2).
    step: 'rejoin-db2',
    expect: ["timed out waiting for: select status = 'streaming' and received_tli = "],
  },
  {
    name: 'failover: db2 promoted without fencing the crashed primary',
    file: FILE,
    patches: [{
      from: '```bash run id=fence-db1 on="db1" title="Fence db1"\nmv "$PGDATA" "$PGDATA.fenced"\n',
      to: '```bash run id=fence-db1 on="db1" title="Fence db1"\necho "db1 is down"\n',
    }],
    // The old primary restarts as a primary: two servers accept writes.
    step: 'one-writer',
    expect: ['db1 started again'],
  },
  {
    // Up to PostgreSQL 15 pg_rewind takes the source's timeline from its control file, updated
    // at the first checkpoint after the promotion. The local sandbox is 15 here; where it is 16
    // or later the mutant runs in a PostgreSQL 15 container.
    name: 'failover: pg_rewind right after the promotion, with no checkpoint (PostgreSQL 15 and older)',
    file: FILE,
    patches: [{ from: "psql -X -At -c 'select pg_promote()'\npsql -X -q -c 'checkpoint'\n", to: "psql -X -At -c 'select pg_promote()'\n" }],
    step: 'rewind-db2',
    expect: ['no rewind required'],
    docker: { pg: 15 },
  },
];

const PATRONI = 'content/failover/patroni.md';

/** Patroni's synchronous_mode: the zero-loss promise, broken two ways while every command exits 0. */
export const PATRONI_MUTANTS: Mutant[] = [
  {
    name: 'patroni: synchronous_mode left off (asynchronous replicas)',
    file: PATRONI,
    patches: [{ from: 'edit-config --set synchronous_mode=true', to: 'edit-config --set synchronous_mode=false' }],
    step: 'sync-on',
    expect: [/^0$/m],
    docker: { pg: 17 },
  },
  {
    // Patroni shows a Sync Standby, but the application's own sessions commit locally.
    name: 'patroni: synchronous_mode on, the application with synchronous_commit = local',
    file: PATRONI,
    patches: [{ from: 'start_writer sync_writes\n', to: 'APP_DB="$APP_DB options=\'-c synchronous_commit=local\'" start_writer sync_writes\n' }],
    step: 'sync-cost',
    expect: [/^lost: [1-9]\d* \(first: /m],
    docker: { pg: 17 },
  },
];

/** Split brain: the dead leader's own PostgreSQL service starts at boot beside Patroni. */
export const SPLIT_BRAIN_MUTANTS: Mutant[] = [
  {
    name: 'patroni: node2\'s PostgreSQL also starts at boot as a service of its own (split brain)',
    file: PATRONI,
    patches: [{
      from: '}\nstart_etcd_again\npatroni "$PATRONI_CONF"',
      to: '}\nstart_etcd_again\npg_ctl --pgdata="$PGDATA" --log="$PATRONI_LOG" --wait start > /dev/null\npatroni "$PATRONI_CONF"',
    }],
    // node2 comes back as a primary for the seconds before Patroni demotes it: a client still pointed at it is
    // acknowledged, and every one of those commits is gone once node2 follows the new leader.
    step: 'no-split-brain',
    expect: [/^acknowledged: [1-9]\d*\npresent: 0\nlost: [1-9]\d* \(first: /m],
    docker: { pg: 17 },
  },
];

const SYNC = 'content/failover/synchronous-replication.md';

/** Synchronous replication's promise (commits wait, none acknowledged is lost), broken while every command exits 0. */
export const SYNC_MUTANTS: Mutant[] = [
  {
    // pg_stat_replication still says `sync` for db2: only the commits show that nothing waits.
    name: 'synchronous replication: db1 commits with synchronous_commit = local (asynchronous)',
    file: SYNC,
    patches: [{
      from: "alter system set synchronous_standby_names = 'FIRST 1 (db2)'\" \\\n  -c \"alter system set synchronous_commit = 'on'\"",
      to: "alter system set synchronous_standby_names = 'FIRST 1 (db2)'\" \\\n  -c \"alter system set synchronous_commit = 'local'\"",
    }],
    step: 'write-waits',
    expect: ["timed out waiting for: select exists (select from pg_stat_activity where wait_event = 'SyncRep')"],
  },
  {
    // The servers wait for a standby, but the application's own sessions opt out: its commits during the
    // stall of both standbys are acknowledged, and on no standby.
    name: 'synchronous replication: the application connects with synchronous_commit = local',
    file: SYNC,
    patches: [{
      from: 'dbname=ledger target_session_attrs=read-write connect_timeout=2"',
      to: 'dbname=ledger target_session_attrs=read-write connect_timeout=2 options=\'-c synchronous_commit=local\'"',
    }],
    step: 'while-both-stall',
    expect: [/^acknowledged while both stalled: [1-9]\d*$/m],
  },
];

/** maximum_lag_on_failover: the cap on what an automatic failover may lose, lifted. */
export const LAG_MUTANTS: Mutant[] = [
  {
    // A lagging replica is promoted: the commits node2 acknowledged during the bulk load are gone.
    name: 'patroni: maximum_lag_on_failover raised to 1 GB before the drill',
    file: PATRONI,
    patches: [{
      from: 'edit-config --set synchronous_mode=false --force',
      to: 'edit-config --set synchronous_mode=false --set maximum_lag_on_failover=1073741824 --force',
    }],
    step: 'lag-refused',
    expect: [/^node[13] Leader$/m],
    docker: { pg: 17 },
  },
];
