/**
 * Mutants of committed runbooks: each one is a runbook with a realistic
 * mistake (or a fault the page should catch) patched in. `verify` must fail
 * each of them, at the named step, with a message that names the difference.
 * A mutant that fails anywhere else, or for another reason, counts as
 * surviving: a typo in a patch cannot pass for a kill.
 */
import { MUTANTS as pitr_archive } from './production/pitr-archive.ts';
import { MUTANTS as archive_command } from './production/archive-command.ts';
import { MUTANTS as hot_standby } from './production/hot-standby.ts';
import { MUTANTS as lost_server } from './production/lost-server.ts';
import { MUTANTS as ransomware } from './production/ransomware.ts';
import { MUTANTS as upgrade } from './production/upgrade.ts';
import { MUTANTS as plain_sql } from './production/plain-sql.ts';
import { MUTANTS as physical_clone } from './production/physical-clone.ts';
import { MUTANTS as archive_retention } from './production/archive-retention.ts';
import { MUTANTS as pgbackrest_repository_host } from './production/pgbackrest-repository-host.ts';
import { MUTANTS as low_level_api } from './production/low-level-api.ts';
import { MUTANTS as barman } from './production/barman.ts';
import { MUTANTS as site_loss } from './production/site-loss.ts';
import { MUTANTS as choosing_a_method } from './production/choosing-a-method.ts';
import { MUTANTS as big_restores } from './production/big-restores.ts';
import { MUTANTS as troubleshooting } from './production/troubleshooting.ts';
import { MUTANTS as whole_cluster } from './production/whole-cluster.ts';
import { MUTANTS as pg_upgrade } from './production/pg-upgrade.ts';
import { MUTANTS as logical_upgrade } from './production/logical-upgrade.ts';
import { MUTANTS as container_not_running } from './production/container-not-running.ts';
import { MUTANTS as failover, PATRONI_MUTANTS as patroni, SPLIT_BRAIN_MUTANTS as split_brain, SYNC_MUTANTS as synchronous, LAG_MUTANTS as lag } from './production/failover.ts';

export interface Patch {
  /** Exact text in the runbook (must occur, or the mutant is invalid). */
  from: string;
  to: string;
}

export interface Mutant {
  name: string;
  /** The committed runbook the mutant is made from (never edited in place). */
  file: string;
  patches: Patch[];
  /** The first step that must fail. */
  step: string;
  /** Text that the failure (the step's output or the harness's message) must show. */
  expect: (string | RegExp)[];
  /**
   * Where the mutant runs when the local sandbox (this machine's PostgreSQL)
   * cannot run the page: a page for newer versions, or one with extra servers.
   */
  docker?: { pg: number };
}

export const MUTANTS: Mutant[] = [
  {
    name: 'a backup that silently leaves out a table\'s rows',
    file: 'content/backup/compressed-dump.md',
    patches: [{
      from: 'pg_dump --dbname=appdb | gzip > "$BACKUP_DIR/appdb.sql.gz"',
      to: 'pg_dump --dbname=appdb --exclude-table-data=\'audit.*\' | gzip > "$BACKUP_DIR/appdb.sql.gz"',
    }],
    step: 'prove-equal',
    // --exclude-table-data also leaves out the table's own sequence.
    expect: ['audit.events: 50 rows missing (50 expected, 0 found)', 'sequence audit.events_id_seq: last_value 1 ≠ 50 expected'],
  },
  {
    name: 'psql without ON_ERROR_STOP over a dump that errors (the target was not empty)',
    file: 'content/backup/plain-sql-dump.md',
    patches: [
      {
        from: 'createdb --template=template0 appdb_restored\n',
        // A leftover from an earlier attempt takes the name of one of the dump's indexes.
        to: 'createdb --template=template0 appdb_restored\npsql -X -q -d appdb_restored -c "create table public.tasks_due_idx (id int)"\n',
      },
      {
        from: 'psql -X -q -v ON_ERROR_STOP=1 --single-transaction \\\n  --dbname=appdb_restored',
        to: 'psql -X -q \\\n  --dbname=appdb_restored',
      },
    ],
    step: 'prove-equal',
    expect: ['index public.tasks_due_idx missing', 'unexpected table public.tasks_due_idx (0 rows)'],
  },
  {
    name: 'pg_restore --list used as the check of a truncated dump',
    file: 'content/backup/custom-format-parallel-restore.md',
    patches: [
      {
        // The fault: the archive lost its last 100 bytes in storage.
        from: 'pg_dump --dbname=appdb --format=custom --file="$BACKUP_DIR/appdb.dump"\n',
        // (coreutils truncate, not `fault`: the parser rejects `fault` in an operator step.)
        to: 'pg_dump --dbname=appdb --format=custom --file="$BACKUP_DIR/appdb.dump"\ntruncate --size=-100 "$BACKUP_DIR/appdb.dump"\n',
      },
      {
        // The mistake: --list only reads the table of contents.
        from: 'pg_restore --file=/dev/null "$BACKUP_DIR/appdb.dump" && echo "archive readable"',
        to: 'pg_restore --list "$BACKUP_DIR/appdb.dump" > /dev/null && echo "archive readable"',
      },
    ],
    step: 'restore',
    expect: ['could not read from input file: end of file'],
  },
  {
    name: 'pg_dump | gzip without pipefail while the server is down',
    file: 'content/backup/compressed-dump.md',
    patches: [{
      from: 'set -o pipefail\npg_dump --dbname=appdb | gzip > "$BACKUP_DIR/appdb.sql.gz"',
      // (pg_ctl, not `fault stop-server`: the parser rejects `fault` in an operator step.)
      to: 'pg_ctl stop --pgdata="$PGDATA" --mode=fast > /dev/null\nset +o pipefail\npg_dump --dbname=appdb | gzip > "$BACKUP_DIR/appdb.sql.gz"',
    }],
    // The dump "succeeds" and gzip -t passes: only the trailer check catches it.
    step: 'check-trailer',
    expect: ['stdout to be exactly "-- PostgreSQL database dump complete"', 'exit status 1'],
  },
  {
    // Stopping just before the target instead of just after it. (An xid
    // target of $target_xid ± 1 would be as wrong, but which transaction owns
    // the neighbouring xid depends on autovacuum; this is deterministic.)
    name: 'PITR whose target is off by one transaction (recovery_target_inclusive = off)',
    file: 'content/pitr/point-in-time-recovery.md',
    patches: [{
      from: 'cat >> "$RESTORED/postgresql.auto.conf" <<EOF\n',
      to: 'cat >> "$RESTORED/postgresql.auto.conf" <<EOF\nrecovery_target_inclusive = off\n',
    }],
    step: 'rows-after-recovery',
    expect: [/^ PITR: committed before the target\n\(1 row\)$/m],
  },
  {
    name: 'PITR that leaves recovery_target_action at its default (pause)',
    file: 'content/pitr/point-in-time-recovery.md',
    // The setting is left out of the page everywhere: the commands and the output shown.
    patches: [
      { from: "recovery_target_action = 'promote'\nEOF", to: 'EOF' },
      { from: "recovery_target_xid = '\\d+'\nrecovery_target_action = 'promote'$", to: "recovery_target_xid = '\\d+'$" },
    ],
    step: 'start-recovered',
    expect: ['in recovery: true'],
  },
  // The production properties of issue 13, one file per page so pages can be mended apart.
  ...pitr_archive,
  ...archive_command,
  ...hot_standby,
  ...lost_server,
  ...ransomware,
  ...upgrade,
  ...plain_sql,
  ...physical_clone,
  ...failover,
  ...patroni,
  ...split_brain,
  ...synchronous,
  ...lag,
  ...archive_retention,
  ...pgbackrest_repository_host,
  ...low_level_api,
  ...barman,
  ...site_loss,
  ...choosing_a_method,
  ...whole_cluster,
  ...pg_upgrade,
  ...logical_upgrade,
  ...container_not_running,
  ...troubleshooting,
  ...big_restores,
];
