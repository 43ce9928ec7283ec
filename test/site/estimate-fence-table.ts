/** The table a methods step prints, shared by the fence's unit and browser tests. */
export const METHODS_TABLE_LINES = [
  '# 2 CPUs, 24 GiB RAM; 17.2 (Debian 17.2-1)',
  'method\tphase\tseconds\tmb\tscales',
  'pg_dump + pg_restore\tbackup\t3.10\t61.0\tdatabase',
  'pg_dump + pg_restore\trestore\t8.20\t61.0\tdatabase',
  'PITR (base backup + WAL archive)\tbackup\t1.20\t61.0\tdatabase',
  'PITR (base backup + WAL archive)\trestore\t0.50\t61.0\tdatabase',
  'PITR (base backup + WAL archive)\treplay\t2.00\t48.0\twal',
  'streaming standby\tpromote\t0.40\t0\tfixed',
];
