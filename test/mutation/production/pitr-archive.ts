import type { Mutant } from '../mutants.ts';

/** Issue 13: mutants that break a production property of the page while every command still exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // Hazard 1: the scratch copy keeps the archive_command that came with the
    // base backup; promoted, it pushes its timeline's history file into
    // production's archive, and a later 'latest' recovery follows it.
    name: 'PITR scratch copy that archives into the production archive (archive_mode = off left out)',
    file: 'content/pitr/point-in-time-recovery.md',
    patches: [
      {
        from: "archive_mode = off\nrestore_command = 'cp $ARCHIVE/%f %p'\n",
        to: "restore_command = 'cp $ARCHIVE/%f %p'\n",
      },
      {
        // The output shown with the settings leaves the line out too.
        from: "^archive_mode = off\nrestore_command = 'cp \\$BACKUP_DIR/wal-archive/%f %p'\n",
        to: "^restore_command = 'cp \\$BACKUP_DIR/wal-archive/%f %p'\n",
      },
    ],
    step: 'archive-untouched',
    expect: ['added: 00000002.history'],
  },
  {
    name: 'recovery-target trials started with the production archive settings (archive_mode = off left out)',
    file: 'content/pitr/recovery-targets.md',
    patches: [{ from: `    echo "archive_mode = 'off'"\n`, to: '' }],
    step: 'trials-left-archive-alone',
    expect: ['added: 00000002.history'],
  },
];
