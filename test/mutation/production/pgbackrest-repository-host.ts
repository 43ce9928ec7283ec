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
];
