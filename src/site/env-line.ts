/**
 * The environment panel's export line. Pure, and small enough to ship to the
 * browser (src/components/EnvPanel.astro).
 */

export const STORAGE_KEY = 'proven-runbooks:environment';
export const VARIABLES = ['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'BACKUP_DIR'] as const;

/** A value as one shell word: bare when safe, else single-quoted. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `export PGHOST=… BACKUP_DIR=…` for the filled-in values, in a fixed order; undefined when none is. */
export function exportLine(values: Record<string, string | undefined>): string | undefined {
  const pairs = VARIABLES
    .map((name) => [name, (values[name] ?? '').trim()] as const)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}=${shellWord(value)}`);
  return pairs.length > 0 ? `export ${pairs.join(' ')}` : undefined;
}

/** Stored values, or none when the stored text is missing or not ours. */
export function readStored(text: string | null): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(text ?? '{}');
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(Object.entries(parsed).filter(([k, v]) => (VARIABLES as readonly string[]).includes(k) && typeof v === 'string'));
  } catch {
    return {};
  }
}
