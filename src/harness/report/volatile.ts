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
];

export function maskVolatile(text: string): string {
  return RULES.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}
