/**
 * CommonMark lets a fenced block run to the end of the document when its
 * closing fence is missing. For a runbook that silently swallows every later
 * step into one block, so we treat it as an error.
 *
 * Returns the missing closing fence (for the message), or undefined when the
 * block is closed or is an indented code block.
 */
export function findUnterminatedFence(text: string, start: number, end: number): string | undefined {
  const slice = text.slice(start, end);
  const lines = slice.split(/\r?\n/);
  const opening = /^[ \t>]*(`{3,}|~{3,})/.exec(lines[0] ?? '');
  if (!opening) return undefined;
  const fence = opening[1]!;
  if (lines.length < 2) return fence;
  const last = (lines[lines.length - 1] ?? '').replace(/^[ \t>]*/, '').trimEnd();
  const closes = last.length >= fence.length && [...last].every((ch) => ch === fence[0]);
  return closes ? undefined : fence;
}
