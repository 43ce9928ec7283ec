/**
 * Long captured output, trimmed around the lines that matter. Pure.
 *
 * A restore can print thousands of lines; the reader needs the beginning, the
 * end, and anything PostgreSQL flagged. Kept: the first and last lines, every
 * line that mentions ERROR, FATAL, PANIC, WARNING (with its neighbours, where
 * DETAIL/HINT/CONTEXT usually are), up to a cap. Each gap becomes one marker
 * line saying how many lines it stands for, so nothing disappears silently.
 */

export interface TrimOptions {
  /** Output up to this many lines is shown whole. */
  maxLines: number;
  head: number;
  tail: number;
  /** Lines kept on each side of a flagged line. */
  context: number;
  /** At most this many flagged lines are kept (the first ones). */
  maxFlagged: number;
}

export const DEFAULT_TRIM: TrimOptions = { maxLines: 40, head: 12, tail: 12, context: 1, maxFlagged: 20 };

const FLAGGED = /\b(ERROR|FATAL|PANIC|WARNING)\b/;

export interface TrimmedOutput {
  /** The text to show, markers included. */
  text: string;
  totalLines: number;
  /** Lines of the original shown. */
  shownLines: number;
  /** Lines left out (totalLines - shownLines). */
  trimmedLines: number;
}

/** `[… 12 lines trimmed …]` */
export function gapMarker(count: number): string {
  return `[… ${count} line${count === 1 ? '' : 's'} trimmed …]`;
}

export function trimOutput(output: string, options: TrimOptions = DEFAULT_TRIM): TrimmedOutput {
  // A final newline ends the last line; it is not an empty line of its own.
  const lines = output === '' ? [] : output.replace(/\n$/, '').split('\n');
  const total = lines.length;
  if (total <= options.maxLines) {
    return { text: lines.join('\n'), totalLines: total, shownLines: total, trimmedLines: 0 };
  }
  const keep = new Set<number>();
  for (let i = 0; i < Math.min(options.head, total); i++) keep.add(i);
  for (let i = Math.max(0, total - options.tail); i < total; i++) keep.add(i);
  let flagged = 0;
  for (let i = 0; i < total && flagged < options.maxFlagged; i++) {
    if (!FLAGGED.test(lines[i]!)) continue;
    flagged++;
    for (let j = Math.max(0, i - options.context); j <= Math.min(total - 1, i + options.context); j++) keep.add(j);
  }
  const shown: string[] = [];
  let gap = 0;
  for (let i = 0; i < total; i++) {
    if (keep.has(i)) {
      if (gap > 0) shown.push(gapMarker(gap));
      gap = 0;
      shown.push(lines[i]!);
    } else {
      gap++;
    }
  }
  if (gap > 0) shown.push(gapMarker(gap));
  return { text: shown.join('\n'), totalLines: total, shownLines: keep.size, trimmedLines: total - keep.size };
}
