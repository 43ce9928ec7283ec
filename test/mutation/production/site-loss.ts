import type { Mutant } from '../mutants.ts';

const FILE = 'content/disaster/site-loss-object-storage.md';

/** Issue 18: the site-loss page's promise (a new host restores the last archived state from the bucket alone), broken. */
export const MUTANTS: Mutant[] = [
  {
    // The passphrase kept on the lost host only: the new host's configuration lacks it, and the repository,
    // encrypted, cannot be read at all.
    name: 'site loss: the cipher passphrase missing from the new host\'s configuration',
    file: FILE,
    patches: [{ from: 'repo1-cipher-pass=$REPO_CIPHER_PASS\nlog-path=$BR_DIR/log\n', to: 'log-path=$BR_DIR/log\n' }],
    step: 'config-newhost',
    expect: ['requires option: repo1-cipher-pass'],
    docker: { pg: 17 },
  },
  {
    // db1 writes to the bucket in the clear: everything restores, and anyone who can read the bucket reads the data.
    name: 'site loss: the repository in the bucket left unencrypted',
    file: FILE,
    patches: [{ from: 'repo1-cipher-type=aes-256-cbc\nrepo1-cipher-pass=$REPO_CIPHER_PASS\nrepo1-retention-full=2\n', to: 'repo1-retention-full=2\n' }],
    step: 'bucket-encrypted',
    expect: [/^0 of \d+ objects are encrypted$/m],
    docker: { pg: 17 },
  },
  {
    // The last segment never leaves db1 (no check, no switch): the restore succeeds, from the bucket alone, and
    // silently lacks the commits written after the last archived segment.
    name: 'site loss: the host lost before its last WAL segment reached the bucket',
    file: FILE,
    patches: [{
      from: 'pgbackrest --stanza=main check && echo "archived up to the last commit"',
      to: 'echo "archived up to the last commit"',
    }],
    step: 'prove-restore',
    expect: ['public.tasks'],
    docker: { pg: 17 },
  },
];
