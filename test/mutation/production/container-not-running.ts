import type { Mutant } from '../mutants.ts';

/** Issue 19: a backup job run while the server is down must fail, never write an empty backup. */
export const MUTANTS: Mutant[] = [
  {
    // Without pipefail the pipeline's status is gzip's: pg_dump cannot connect, gzip compresses nothing into a valid
    // 20-byte file, and the job renames it into place and exits 0. The step that runs the job with the server down
    // expects it to fail; the mutant's job reports success.
    name: 'container not running: a backup job without pipefail writes an empty backup',
    file: 'content/troubleshooting/container-not-running.md',
    patches: [{ from: 'backup_appdb() {\n  set -o pipefail\n', to: 'backup_appdb() {\n  set +o pipefail\n' }],
    step: 'backup-fails',
    expect: [/backup written: appdb-\d{8}-\d{6}\.sql\.gz/],
    docker: { pg: 17 },
  },
];
