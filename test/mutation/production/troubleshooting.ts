import type { Mutant } from '../mutants.ts';

const COMMAND_NOT_FOUND = 'content/troubleshooting/command-not-found.md';

/** Issue 19: the troubleshooting pages' fixes (the right pg_dump runs, a failed dump never passes for a backup), broken while every command exits 0. */
export const COMMAND_NOT_FOUND_MUTANTS: Mutant[] = [
  {
    // The GitLab 2017 mistake in the fixed script: it checks the version of $PG_BIN's pg_dump but runs whichever
    // pg_dump comes first on PATH (the old one), without pipefail and without the trailer check. pg_dump refuses
    // the server, gzip writes a valid 20-byte file, the script says it is done and exits 0, and the restore of that
    // file exits 0 too: only the fingerprint of the restored database shows that nothing came back.
    name: 'command-not-found: a backup script that runs pg_dump from PATH and ignores its failure',
    file: COMMAND_NOT_FOUND,
    patches: [
      { from: '# backup-appdb.sh DBNAME OUTPUT.sql.gz\nset -euo pipefail\n', to: '# backup-appdb.sh DBNAME OUTPUT.sql.gz\nset -eu\n' },
      { from: '"$PG_BIN/pg_dump" --dbname="$db" | gzip > "$out.partial"\n', to: 'pg_dump --dbname="$db" | gzip > "$out.partial"\n' },
      {
        from: 'if ! gunzip -c "$out.partial" | tail -n 20 | grep -Fx -- \'-- PostgreSQL database dump complete\' > /dev/null; then\n  echo "backup-appdb: $out.partial has no completion trailer" >&2\n  exit 1\nfi\n',
        to: '',
      },
    ],
    step: 'prove',
    expect: ['public.agents', 'missing'],
    docker: { pg: 17 },
  },
  {
    // No version check: given an older pg_dump the script still fails (pipefail, set -e), but with pg_dump's own
    // error instead of its message, and it leaves its .partial file behind.
    name: 'command-not-found: a backup script without the pg_dump version check',
    file: COMMAND_NOT_FOUND,
    patches: [{
      from: 'if [ "$client_major" -lt "$server_major" ]; then\n  echo "backup-appdb: $PG_BIN/pg_dump is version $client_major, the server $server_major: use a pg_dump >= $server_major" >&2\n  exit 1\nfi\n',
      to: '',
    }],
    step: 'fixed-refuses',
    expect: ['aborting because of server version mismatch'],
    docker: { pg: 17 },
  },
];

const SLOW_BACKUP = 'content/troubleshooting/slow-backup.md';

/** Issue 19: the slow-backup page's measurements tell a capped or waiting base backup from a healthy one. */
export const SLOW_BACKUP_MUTANTS: Mutant[] = [
  {
    // A --max-rate set once in the backup job and forgotten: the "uncapped" backup runs at the cap too, every
    // command exits 0 and the backup is complete; only the rate comparison shows that it is throttled.
    name: 'slow-backup: a forgotten --max-rate in the base backup job',
    file: SLOW_BACKUP,
    patches: [{
      from: 'pg_basebackup --pgdata="$BACKUP_DIR/base-full" --checkpoint=fast --wal-method=stream\n',
      to: 'pg_basebackup --pgdata="$BACKUP_DIR/base-full" --checkpoint=fast --wal-method=stream --max-rate=10M\n',
    }],
    step: 'throttle-proven',
    expect: [/uncapped: (\d|10)\.\d MB\/s/],
  },
  {
    // Waiting out the spread checkpoint instead of forcing it: with checkpoint_timeout = 1h the backup sends
    // nothing for 54 minutes (30 on 13): 15 s later it is still waiting.
    name: 'slow-backup: waiting for a spread checkpoint instead of forcing one',
    file: SLOW_BACKUP,
    patches: [{
      from: 'psql -X -q -v ON_ERROR_STOP=1 -c \'CHECKPOINT\'\n```',
      to: 'sleep 5   # give it a little longer\n```',
    }],
    step: 'hurried',
    expect: ['pg_basebackup still waiting 30 s after the CHECKPOINT', 'waiting for checkpoint to complete'],
  },
];

export const MUTANTS: Mutant[] = [...COMMAND_NOT_FOUND_MUTANTS, ...SLOW_BACKUP_MUTANTS];
