import type { Mutant } from '../mutants.ts';

const FILE = 'content/backup/whole-cluster-logical.md';

/** Issue 19: a whole-cluster logical backup restores every database, broken while every command exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // The classic loop that skips `postgres` as "only the maintenance database": the table a team kept there is in
    // no backup, and the restore still succeeds on a new cluster that has an empty `postgres` of its own.
    name: 'whole cluster: the backup loop leaves out the postgres database',
    file: FILE,
    patches: [{
      from: "WHERE datallowconn AND datname <> 'template1' ORDER BY datname\" > databases.txt",
      to: "WHERE datallowconn AND datname NOT IN ('template1', 'postgres') ORDER BY datname\" > databases.txt",
    }],
    step: 'prove-cluster',
    expect: [/^postgres: .*maintenance_log/m],
    docker: { pg: 17 },
  },
];
