import type { Mutant } from '../mutants.ts';

/** Issue 13: mutants that break a production property of the page while every command still exits 0. */

const CHECK_ARCHIVE_STEP = [
  '```bash run id=check-archive title="Is the archive continuous from the backup on?"',
  'wal-archive-check --backup "$BACKUP_DIR/base" "$ARCHIVE" | tee "$BACKUP_DIR/archive-check.txt"',
  '```',
  '',
  '```text output match=regex',
  '^continuous: [0-9A-F]{24} to [0-9A-F]{24}, \\d+ segments \\(timeline 1\\); the archive ends at [0-9A-F]+/[0-9A-F]+$',
  '```',
  '',
].join('\n');

const COPY_OLD_WAL_STEP = [
  '```bash run id=copy-old-wal title="Copy the old pg_wal segments into the new pg_wal"',
  'copied=0',
  'for f in "$OLD_WAL"/*; do',
  '  name=${f##*/}',
  '  if [[ $name =~ ^[0-9A-F]{24}$ ]] && [ ! -e "$PGDATA/pg_wal/$name" ]; then',
  '    cp "$f" "$PGDATA/pg_wal/$name" && copied=$((copied + 1))',
  '  fi',
  'done',
  'echo "$copied segment files copied into $PGDATA/pg_wal"',
  '```',
  '',
  '```text output match=regex',
  '^[1-9]\\d* segment files copied into \\$PGDATA/pg_wal$',
  '```',
  '',
].join('\n');

export const MUTANTS: Mutant[] = [
  {
    // Hazard 4: a segment lost from the archive (a retention job, a failed
    // upload) and no continuity check before recovery. The standby stops at
    // the gap; the comparison before promotion names the 21 rows after it.
    name: 'lost server rebuilt from an archive with a gap, without the continuity check',
    file: 'content/disaster/lost-server.md',
    patches: [
      { from: CHECK_ARCHIVE_STEP, to: '' },
      {
        from: 'cp -a "$BACKUP_DIR/base" "$PGDATA"\n',
        to: 'rm "$ARCHIVE/$gap_segment"\ncp -a "$BACKUP_DIR/base" "$PGDATA"\n',
      },
    ],
    step: 'compare-standby',
    expect: ['public.tasks: 21 rows missing'],
  },
  {
    // Without the old pg_wal, the last commit (never archived) is lost.
    name: 'lost server rebuilt without copying the surviving pg_wal segments',
    file: 'content/disaster/lost-server.md',
    patches: [{ from: COPY_OLD_WAL_STEP, to: '' }],
    step: 'compare-standby',
    expect: ['public.tasks: 1 row missing'],
  },
  {
    // The recovered copy archives its new timeline into production's archive.
    name: 'PITR copy beside production started with production\'s archiving on',
    file: 'content/disaster/accidental-deletion.md',
    patches: [{ from: 'cat >> "$RECOVERED/postgresql.auto.conf" <<EOF\narchive_mode = off\n', to: 'cat >> "$RECOVERED/postgresql.auto.conf" <<EOF\n' }],
    step: 'archive-untouched',
    expect: ['added: 00000002.history'],
  },
  {
    // A drill copy of the data directory started with archiving on writes its
    // own WAL into the real server's archive once a segment fills (the drill
    // fills one with pg_switch_wal).
    name: 'corruption drill copy started with the real server\'s archiving on',
    file: 'content/disaster/corruption.md',
    patches: [
      { from: 'echo "archive_mode = off" >> "$DRILL/postgresql.auto.conf"\n', to: 'true\n' },
      {
        from: '} | psql -X -q -v ON_ERROR_STOP=1 --single-transaction -p 5433 -d appdb > /dev/null\n',
        to: '} | psql -X -q -v ON_ERROR_STOP=1 --single-transaction -p 5433 -d appdb > /dev/null\npsql -X -q -p 5433 -c "SELECT pg_switch_wal()" > /dev/null\n',
      },
    ],
    step: 'archive-untouched',
    expect: [/^added: [0-9A-F]{24}$/m],
  },
];
