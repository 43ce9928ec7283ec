/** Words and numbers as the site prints them. Pure. */

/** 74 ms · 2.7 s · 3 min 12 s */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `27 Nov 2026, 04:54 UTC`: the same for every reader, whatever their time zone. */
export function formatDate(iso: string | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** `27 Nov 2026` */
export function formatDay(iso: string | undefined): string {
  return formatDate(iso).replace(/, \d\d:\d\d UTC$/, '');
}

/** `13, 15, 17 and 18` */
export function listVersions(majors: number[]): string {
  const sorted = [...majors].sort((a, b) => a - b).map(String);
  if (sorted.length <= 1) return sorted.join('');
  return `${sorted.slice(0, -1).join(', ')} and ${sorted.at(-1)}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** How the report's sandbox is described to a reader. */
export function describeSandbox(sandbox: string | undefined): string {
  if (sandbox === 'docker') return 'a throwaway Docker container per run';
  if (sandbox === 'local') return 'a throwaway local cluster per run';
  return sandbox ? `a throwaway ${sandbox} sandbox` : 'a throwaway sandbox';
}

/**
 * When runs happened: one date, or `oldest to newest` when the harness reused
 * earlier runs of the same text. Skipped runs ran nothing and have no date.
 */
export function runDates(runs: { status: string; verifiedAt: string }[], format: (iso: string) => string): { date?: string; dateIso?: string } {
  const sorted = runs.filter((r) => r.status !== 'skipped').map((r) => r.verifiedAt).sort();
  const [oldest, newest] = [sorted[0], sorted.at(-1)];
  if (!oldest || !newest) return {};
  return { date: oldest === newest ? format(newest) : `${format(oldest)} to ${format(newest)}`, dateIso: newest };
}
