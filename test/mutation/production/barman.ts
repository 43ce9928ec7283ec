import type { Mutant } from '../mutants.ts';

const FILE = 'content/backup/barman.md';

/** Issue 18: the Barman page's promises (a recovery reaches its target; retention keeps what it says), broken while every command exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // The restore point is in the segment db1 is still writing: pg_receivewal has it as a .partial file, which
    // Barman does not restore from. Recovery replays what the archive has and ends before the target; PostgreSQL
    // refuses to start rather than promote a cluster that is not at the requested point.
    name: 'barman: recover without closing the segment that holds the restore point',
    file: FILE,
    patches: [{
      from: '```bash run id=recover server=backup on="backup" title="Recover to the restore point"\nclose_segment > /dev/null\n',
      to: '```bash run id=recover server=backup on="backup" title="Recover to the restore point"\n',
    }],
    step: 'recover',
    expect: ['pg_ctl: could not start server'],
    docker: { pg: 17 },
  },
  {
    // One backup kept: the window shrinks to the newest backup's end, a day's worth of recovery points gone.
    name: 'barman: retention keeps one backup where the page promises two',
    file: FILE,
    patches: [{ from: 'retention_policy = REDUNDANCY 2\n', to: 'retention_policy = REDUNDANCY 1\n' }],
    step: 'more-backups',
    expect: [/^1$/m],
    docker: { pg: 17 },
  },
];
