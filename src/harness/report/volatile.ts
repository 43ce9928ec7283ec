/**
 * Output that changes on every run (clock times, process ids) would make the
 * published pages change on every re-verification without anything real
 * changing. Reports, and so pages, show them as placeholders. Verification
 * itself sees the real output: this runs after it. Pure.
 */
const RULES: [RegExp, string][] = [
  // 2026-11-27 05:10:11.123 UTC, 2026-11-27T05:10:11Z, 2026-11-27 05:10:11+00
  [/\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?: ?(?:[A-Z]{2,5}\b|[+-]\d{2}(?::?\d{2})?|Z))?/g, 'YYYY-MM-DD hh:mm:ss'],
  // backup_20261127_051011.sql.gz and friends
  [/(?<!\d)\d{8}_\d{6}(?!\d)/g, 'YYYYMMDD_hhmmss'],
  // A server log line's [pid]
  [/(hh:mm:ss) \[\d+\]/g, '$1 [PID]'],
  // pid 1234, PID: 1234, pid=1234
  [/\b(pid|PID)([ :=]+)\d+\b/g, '$1$2PID'],
  // pgBackRest backup labels (20261127-084125F, …F_20261127-084140D) and its per-run exec id
  [/(?<!\d)\d{8}-\d{6}(?=[FDI](?![A-Za-z0-9]))/g, 'YYYYMMDD-hhmmss'],
  [/--exec-id=\d+-[0-9a-f]{8}\b/g, '--exec-id=PID-XXXXXXXX'],
  // Our scripts' scratch databases are named after their pid (and clock): restore_tmp_4711_1795768877
  [/\b(restore_tmp|verify_restore)_\d+(?:_\d+)?\b/g, '$1_PID'],
  // How long our scripts took, in their result lines (each step's own time is shown beside it)
  [/\bseconds=\d+\b/g, 'seconds=N'],
  // OpenSSL prefixes each error line with the thread's id
  [/^[0-9A-F]{12,16}:error:/gm, 'THREAD:error:'],
];

export function maskVolatile(text: string): string {
  return RULES.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}
