import type { Mutant } from '../mutants.ts';

const FILE = 'content/backup/choosing-a-method.md';

/** Issue 18: the decision page's measured promises (PITR's loss bounded by archive_timeout; every copy complete), broken while every command exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // Without archive_timeout a quiet server keeps its last commits in a WAL segment that is never archived:
    // point-in-time recovery then loses every commit since the last full segment, not 5 seconds of them.
    name: 'choosing a method: no archive_timeout, so PITR loses more than the page says',
    file: FILE,
    patches: [{ from: `-c "ALTER SYSTEM SET archive_timeout = '5s'" \\\n`, to: `-c "ALTER SYSTEM SET archive_timeout = '0'" \\\n` }],
    step: 'prove-loss',
    expect: ['FAILED: PITR lost at most archive_timeout (5 s) + 2 s of commits'],
    docker: { pg: 17 },
  },
  {
    // A dump that leaves out one table's rows restores without an error: the timing would look fine and the
    // restore would be short of a quarter of the data.
    name: 'choosing a method: a dump without one table\'s rows',
    file: FILE,
    patches: [{
      from: 'pg_dump --format=custom --file=sized.dump sized\n',
      to: 'pg_dump --format=custom --exclude-table-data=public.events_4 --file=sized.dump sized\n',
    }],
    step: 'prove-data',
    expect: ['port 5433, sized_from_dump: public.events_4'],
    docker: { pg: 17 },
  },
];
