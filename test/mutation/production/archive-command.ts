import type { Mutant } from '../mutants.ts';

const SETTING = `-c "ALTER SYSTEM SET archive_command = '$(command -v archive-wal) %p $ARCHIVE/%f'"`;

/** Issue 13, hazard 2: an archive command that breaks after a crash, or overwrites, while every command exits 0. */
export const MUTANTS: Mutant[] = [
  {
    name: 'the classic test ! -f && cp archive command: the retry after a crash fails forever',
    file: 'content/pitr/archive-command.md',
    patches: [{ from: SETTING, to: `-c "ALTER SYSTEM SET archive_command = 'test ! -f $ARCHIVE/%f && cp %p $ARCHIVE/%f'"` }],
    step: 'archived-after-crash',
    expect: [/was not archived in 10 s/],
  },
  {
    name: 'an archive command that overwrites: another server\'s file is silently replaced',
    file: 'content/pitr/archive-command.md',
    patches: [{ from: SETTING, to: `-c "ALTER SYSTEM SET archive_command = 'cp %p $ARCHIVE/%f'"` }],
    step: 'refused',
    expect: ['failed: 0'],
  },
  {
    name: 'basic_archive replaced by the classic archive command on PostgreSQL 15+',
    file: 'content/pitr/basic-archive.md',
    patches: [
      { from: `-c "ALTER SYSTEM SET archive_command = ''"`, to: `-c "ALTER SYSTEM SET archive_command = 'test ! -f $ARCHIVE/%f && cp %p $ARCHIVE/%f'"` },
      { from: `-c "ALTER SYSTEM SET archive_library = 'basic_archive'" \\\n`, to: '' },
      // The page's own expected output, edited along: the mutant must fail for its behaviour, not for a line of text.
      { from: 'archive_library = basic_archive\narchive_mode = on\n', to: 'archive_library =\narchive_mode = on\n' },
    ],
    step: 'archived-after-crash',
    expect: [/was not archived in 10 s/],
  },
];
