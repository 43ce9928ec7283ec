/**
 * Output mentions sandbox paths (`/tmp/runbooks-sandbox-x1Yz/backups/app.dump`)
 * that change every run. Showing them as the variables the reader uses
 * (`$BACKUP_DIR/app.dump`) keeps expected output stable and the page useful.
 * Longest paths first, so `$BACKUP_DIR` wins over `$SANDBOX_DIR`.
 */
const SHOWN_AS = ['BACKUP_DIR', 'SMALL_DISK', 'PGDATA', 'PGHOST', 'HOME', 'TMPDIR', 'RUNBOOK_SCRIPTS', 'SANDBOX_DIR'] as const;

/** A path shown as its variable, as it appears in shown output (verify/table-padding.ts looks for it). */
export const PLACEHOLDER = new RegExp(`\\$(?:${SHOWN_AS.join('|')})\\b`);

export function placeholderPaths(env: Readonly<Record<string, string>>): (text: string) => string {
  const pairs = SHOWN_AS.filter((name) => env[name])
    .map((name) => [env[name]!, `$${name}`] as const)
    .sort((a, b) => b[0].length - a[0].length);
  return (text) => pairs.reduce((acc, [path, name]) => acc.split(path).join(name), text);
}
