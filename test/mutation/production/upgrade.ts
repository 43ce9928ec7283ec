import type { Mutant } from '../mutants.ts';

/** Issue 13: mutants that break a production property of the page while every command still exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // Issue 13, hazard 6: a restore into a database made with createdb
    // restores every row and drops what is set on the database.
    // The page is for PostgreSQL >= 17 with an old 13 server: n/a on the local sandbox (15).
    name: 'the major upgrade restores into a createdb database, without --create',
    file: 'content/restore/upgrade-major-version.md',
    patches: [{
      from: 'pg_restore --create --exit-on-error --jobs=2 --dbname=postgres "$BACKUP_DIR/appdb-13.dump"\n',
      to: 'createdb --template=template0 appdb\npg_restore --exit-on-error --jobs=2 --dbname=appdb "$BACKUP_DIR/appdb-13.dump"\n',
    }],
    step: 'prove-equal',
    docker: { pg: 17 },
    expect: [
      'settings of database missing ({TimeZone=Asia/Tokyo} expected; pg_dump writes them only with --create)',
      'settings of role app_readonly in database missing ({statement_timeout=5s} expected',
      'privileges on database differ',
    ],
  },
];
