/**
 * How steps reach an extra server named `old`: `OLD_PGHOST` and `OLD_PGPORT`,
 * used as `pg_dump -h "$OLD_PGHOST" -p "$OLD_PGPORT"`. The primary server
 * keeps the plain libpq variables, so most commands need no options at all.
 */
export function extraServerEnv(name: string, host: string, port: number): Record<string, string> {
  const prefix = name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return { [`${prefix}_PGHOST`]: host, [`${prefix}_PGPORT`]: String(port) };
}
