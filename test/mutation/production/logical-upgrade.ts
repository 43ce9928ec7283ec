import type { Mutant } from '../mutants.ts';

const FILE = 'content/restore/logical-replication-upgrade.md';

/** Issue 19: a logical-replication cut-over carries everything, broken while every command exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // The setval script generated but never run on the new server: logical replication does not carry sequences, so
    // they stay where the schema dump left them and the application's first insert collides with a replicated row.
    // The cut-over itself succeeds and loses no acknowledged commit; only the fingerprint sees the sequences behind.
    name: 'logical upgrade: sequences not synchronised at the cut-over',
    file: FILE,
    patches: [{
      from: 'psql -X -q -At -v ON_ERROR_STOP=1 -d appdb -f "$BACKUP_DIR/sequences.sql" | wc -l',
      to: 'cat "$BACKUP_DIR/sequences.sql" | wc -l',
    }],
    step: 'prove-data',
    expect: [/^sequence public\.skills_id_seq: last_value/m],
    docker: { pg: 17 },
  },
];
