import type { Mutant } from '../mutants.ts';

const FILE = 'content/restore/hot-standby.md';

/** Issue 13: mutants that break a production property of the page while every command still exits 0. */
export const MUTANTS: Mutant[] = [
  {
    name: 'hot standby: the replicator hba line appended after the trust line (no password needed)',
    file: FILE,
    patches: [{
      from: `sed -i '1i local   replication   replicator   scram-sha-256' "$PGDATA/pg_hba.conf"`,
      to: `echo 'local   replication   replicator   scram-sha-256' >> "$PGDATA/pg_hba.conf"`,
    }],
    step: 'password-required',
    // The replication connection without a password succeeds: IDENTIFY_SYSTEM answers.
    expect: ['systemid'],
  },
  {
    name: 'hot standby: a replication slot without max_slot_wal_keep_size',
    file: FILE,
    patches: [{
      from: `alter system set max_slot_wal_keep_size = '10GB'`,
      to: `alter system set max_slot_wal_keep_size = -1`,
    }],
    step: 'slot-cap',
    expect: [/standby1 +\| reserved +\| f/],
  },
  {
    name: 'hot standby: the failover drill stops the primary cleanly (the old page\'s "exactly the primary\'s data")',
    file: FILE,
    patches: [{
      // The stall ends and the primary shuts down cleanly: it sends all its WAL first.
      from: 'crash_server "$PGDATA" "$walsender"',
      to: 'kill -CONT "$walsender"\nfault stop-server > /dev/null',
    }],
    step: 'standby-behind',
    expect: ["the standby has all of the primary's WAL"],
  },
  {
    name: 'hot standby: promotes without fencing the old primary',
    file: FILE,
    patches: [{
      from: 'mv "$PGDATA" "$PGDATA.fenced"',
      to: 'echo "the old primary is down"',
    }],
    step: 'prove-fenced',
    expect: ['the old primary started again', 'port 5432: accepts writes'],
  },
  {
    name: 'hot standby: synchronous_standby_names set, but synchronous_commit = local',
    file: FILE,
    patches: [{
      from: `-c "alter system set synchronous_commit = 'on'"`,
      to: `-c "alter system set synchronous_commit = 'local'"`,
    }],
    step: 'sync-no-loss',
    expect: [/^lost: [1-9]\d* \(first: \d+/m],
  },
  {
    name: 'hot standby: the synchronous section without synchronous_standby_names',
    file: FILE,
    patches: [{
      from: `-c "alter system set synchronous_standby_names = 'FIRST 1 (standby2)'"`,
      to: `-c "alter system set synchronous_standby_names = ''"`,
    }],
    // Without a synchronous standby, pg_stat_replication says async, never sync.
    step: 'sync-on',
    expect: ['timed out waiting for'],
  },
];
