import type { Mutant } from '../mutants.ts';

const FILE = 'content/pitr/archive-retention.md';

/** Issue 18: a hand-built archive's retention and continuity, broken while every command exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // The tidy-looking mistake: WAL cleaned up to the newest backup's start. The older backup kept is
    // listed, verified, and can no longer be recovered.
    name: 'archive retention: pg_archivecleanup driven by the newest backup kept',
    file: FILE,
    patches: [{ from: 'oldest=${backups[0]}\n', to: 'oldest=${backups[-1]}\n' }],
    step: 'kept',
    expect: [/oldest backup starts in ([0-9A-F]{24}); the archive's first segment is (?!\1)[0-9A-F]{24}/],
  },
  {
    // A segment in the middle of the window goes missing from the real archive (a hand clean-up, a
    // failing disk): no command fails, and recovery would stop there.
    name: 'archive retention: a segment deleted from the archive',
    file: FILE,
    patches: [{
      from: "generate_series(1, 200) g\"\n```\n\n## 5.",
      to: "generate_series(1, 200) g\"\nrm \"$ARCHIVE/$(ls -1 \"$ARCHIVE\" | grep -E '^[0-9A-F]{24}$' | sort | sed -n '2p')\"\n```\n\n## 5.",
    }],
    step: 'continuity',
    expect: [/^missing: [0-9A-F]{24}$/m],
  },
];
