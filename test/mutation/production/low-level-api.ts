import type { Mutant } from '../mutants.ts';

const FILE = 'content/backup/low-level-api.md';

/** Issue 18: the low-level API's one promise (the snapshot recovers whole), broken while every command exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // The snapshot without its backup_label looks like a crashed server whose last checkpoint is the one made in
    // the middle of the copy: recovery cannot start from it (the log says: could not locate a valid checkpoint
    // record), and the restore fails instead of giving back a cluster whose table files lack the rows written
    // before that checkpoint.
    name: 'low-level backup API: backup_label not written into the snapshot',
    file: FILE,
    patches: [
      { from: 'open(os.path.join(sys.argv[2], "backup_label"), "w").write(label)\n', to: '' },
      { from: "grep -E '^(START WAL LOCATION|BACKUP METHOD|LABEL):' \"$SNAPSHOT/backup_label\"\n", to: '' },
      {
        from: 'stopped\nSTART WAL LOCATION: [0-9A-F]+/[0-9A-F]+ \\(file [0-9A-F]{24}\\)\nBACKUP METHOD: streamed\nLABEL: snapshot\n',
        to: 'stopped\n',
      },
    ],
    step: 'restore',
    expect: ['pg_ctl: could not start server'],
  },
];
