import type { Mutant } from '../mutants.ts';

const FILE = 'content/backup/pgbackrest-repository-host.md';

/** Issue 18: the repository host's promises (encrypted, the window's WAL kept), broken while every command exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // Backups and WAL go on arriving and restoring: only the repository's files show they are readable by anyone.
    name: 'pgBackRest repository host: the repository left unencrypted',
    file: FILE,
    patches: [{ from: 'repo1-cipher-type=aes-256-cbc\nrepo1-cipher-pass=$REPO_CIPHER_PASS\n', to: '' }],
    step: 'encrypted',
    expect: [/^0 of \d+ files are encrypted$/m],
    docker: { pg: 17 },
  },
  {
    // WAL kept for the newest full backup only (and what makes the older one consistent): the older full
    // backup is listed, verifies, restores to its own end, and to no point after it.
    name: 'pgBackRest repository host: WAL retention shorter than the backups kept',
    file: FILE,
    patches: [{ from: 'repo1-retention-full=2\n', to: 'repo1-retention-full=2\nrepo1-retention-archive=1\n' }],
    step: 'retained',
    expect: [/^[1-9]\d* segments missing after the oldest backup's start$/m],
    docker: { pg: 17 },
  },
  {
    // The selective restore with none of its recovery options: no target, so pgBackRest's default, recovery to the
    // end of the archive. The clean-up job's DELETE is in the archive (the `check` before db1's in-place restore
    // switched and archived its segment) and the copy replays it: it starts, reports is only droppable as before,
    // and appdb comes back without the audit log the copy was made to recover. Only the fingerprint against the
    // restore point shows the rows missing. (The earlier form of this mutant kept --target-action=promote, which
    // pgBackRest refuses without a --type (exit 31, "option 'target-action' not valid without option 'type'"):
    // nothing was restored, and it failed at the restore step, on a typo rather than on lost rows.)
    name: 'pgBackRest repository host: the selective restore without its recovery target',
    file: FILE,
    patches: [{
      from: '--archive-mode=off \\\n  --type=name --target=before-cleanup --target-timeline=current --target-action=promote \\\n',
      to: '--archive-mode=off \\\n',
    }],
    step: 'prove-selective',
    expect: ['audit.events: 50 rows missing (50 expected, 0 found)'],
    docker: { pg: 17 },
  },
  {
    // Day 1's time written down in db1's local time, without its offset (db1 and its operators in Tokyo; PGTZ
    // stands for db1's `timezone` setting). pgBackRest reads a time without an offset in the restoring host's
    // zone, UTC: 9 hours later, after the newest backup's end. The restore is no longer refused before anything is
    // written: pgBackRest picks the newest backup and restores it, toward a moment that is not day 1's (here one
    // in the future: PostgreSQL would replay every WAL segment, the mistake included, and then refuse to start, the
    // target never reached). The proof sees exit status 0 and files restored. (Writing the time with date(1)
    // instead does not break the property: pgBackRest 2.55 refuses a time it cannot parse, exit 29, nothing written.)
    name: 'pgBackRest repository host: the target time written down without its time zone',
    file: FILE,
    patches: [{
      from: "psql -X -At -c 'select now()' > \"$BACKUP_DIR/day-1.time\"",
      to: "PGTZ=Asia/Tokyo psql -X -At -c 'select localtimestamp(0)' > \"$BACKUP_DIR/day-1.time\"",
    }],
    step: 'too-early',
    expect: ['pgbackrest restore: exit status 0', 'files were restored'],
    docker: { pg: 17 },
  },
];
