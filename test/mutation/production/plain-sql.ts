import type { Mutant } from '../mutants.ts';

/** Issue 13: mutants that break a production property of the page while every command still exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // Issue 13, hazard 7: the page promises an all-or-nothing restore; a
    // database with a large object makes the dump commit halfway.
    name: 'a plain dump of a database with large objects, restored as if --single-transaction held',
    file: 'content/backup/plain-sql-dump.md',
    patches: [{
      from: 'psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d appdb -f "$RUNBOOK_FIXTURES/app.sql"\n',
      to: 'psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d appdb -f "$RUNBOOK_FIXTURES/app.sql"\n'
        + 'psql -X -q -At -d appdb -c "select lo_from_bytea(0, \'logo\')" > /dev/null\n',
    }],
    step: 'check-own-transaction',
    expect: [/^\d+:BEGIN;$/m, /^\d+:COMMIT;$/m],
  },
  {
    // The custom-format restore is all-or-nothing only with --single-transaction:
    // --exit-on-error alone stops at the error with the same exit status 1.
    name: 'pg_restore --exit-on-error without --single-transaction, over a dump with large objects',
    file: 'content/backup/plain-sql-dump.md',
    patches: [{
      from: 'pg_restore --exit-on-error --single-transaction --dbname=appdb_lo',
      to: 'pg_restore --exit-on-error --dbname=appdb_lo',
    }],
    step: 'lo-custom-nothing-applied',
    expect: [/^\s+5 \|\s+1$/m],
  },
];
