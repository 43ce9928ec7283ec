/**
 * Time for a size at a measured rate, said for people. Pure, and free of
 * Node imports: the browser script (client.ts) uses it too, so the page's
 * first text and the text after the reader types agree.
 */

/** How the estimate may be wrong, shown with every one. */
export const ESTIMATE_CAVEAT = 'Scaled linearly from a small synthetic database measured on a small CI machine. '
  + 'Disks, CPUs and data differ by 10× or more: time one run on your own hardware before you promise a recovery time.';

/** Shown before the reader types anything. */
export const DEFAULT_SIZE_GB = 10;

/** What the reader's size is of, and where the browser keeps it. */
export type SizeOf = 'database' | 'wal';
export const SIZE_KEYS: Record<SizeOf, string> = {
  database: 'proven-runbooks:size-gb',
  wal: 'proven-runbooks:wal-gb',
};

/** Seconds for `sizeGb` GB at `mbPerSecond` MB/s (1 GB = 1024 MB, as PostgreSQL counts). */
export function estimateSeconds(sizeGb: number, mbPerSecond: number): number {
  if (!(sizeGb >= 0) || !(mbPerSecond > 0)) return Number.NaN;
  return (sizeGb * 1024) / mbPerSecond;
}

/** Steps that do several things one after the other (copy, then replay) take the sum: one rate for the whole. */
export function combinedRate(mbPerSecond: number[]): number {
  return 1 / mbPerSecond.reduce((sum, r) => sum + 1 / r, 0);
}

/** Two significant figures at most: a measured rate scaled 1000× is no more precise than that. */
function rounded(n: number): string {
  const r = n >= 10 ? Math.round(n) : Math.round(n * 10) / 10;
  const digits = Math.floor(Math.log10(Math.max(r, 1)));
  const coarse = digits >= 2 ? Math.round(r / 10 ** (digits - 1)) * 10 ** (digits - 1) : r;
  return String(coarse);
}

/** "under a second", "about 40 s", "about 14 min", "about 2.5 h", "about 3.2 days". */
export function formatEstimate(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'no estimate (enter a size)';
  if (seconds < 1) return 'under a second';
  if (seconds < 60) return `about ${rounded(seconds)} s`;
  if (seconds < 3600) return `about ${rounded(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `about ${rounded(seconds / 3600)} h`;
  return `about ${rounded(seconds / 86400)} days`;
}

/** "12 MB/s", "0.85 MB/s", "340 MB/s". */
export function formatRate(mbPerSecond: number): string {
  const digits = mbPerSecond >= 10 ? 0 : mbPerSecond >= 1 ? 1 : 2;
  return `${mbPerSecond.toFixed(digits)} MB/s`;
}

/** The text a size and rate give: the same on the server and in the browser. */
export function estimateText(sizeGb: number, mbPerSecond: number): string {
  return formatEstimate(estimateSeconds(sizeGb, mbPerSecond));
}
