/**
 * "What to look for" under each step of the incident view: the output the
 * harness checked, in words a tired reader can compare with a terminal. Pure.
 *
 * The expectations are the parser's own reading of the page (output blocks
 * attached to the step before them or named by `for=`, and the `contains=`
 * family of attributes): the site never re-reads the Markdown with a second
 * set of rules, so what is shown here is exactly what was verified.
 */
import type { OutputExpectation, Step } from '../../harness/model.ts';
import { parseRunbook } from '../../harness/parse/index.ts';

export interface LookFor {
  /** `Expected output`, `Error output contains`, … */
  label: string;
  text: string;
  /** A regular expression, not literal text: the reader matches it by eye, not character for character. */
  pattern: boolean;
  /** Lines left out of `text` to keep the step short (0 when shown whole). */
  omitted: number;
}

/** An expected block longer than this is cut to its head and tail, with a note. */
export const LOOK_FOR_LINES = 12;
const TAIL_LINES = 2;

const STREAM: Record<OutputExpectation['stream'], string> = { stdout: 'output', stderr: 'error output (stderr)', combined: 'output (stdout and stderr)' };

function label(e: OutputExpectation): string {
  const stream = STREAM[e.stream];
  const Stream = stream[0]!.toUpperCase() + stream.slice(1);
  if (e.negate) return e.mode === 'regex' ? `${Stream} does not match the pattern` : `${Stream} does not contain`;
  if (e.shown) {
    switch (e.mode) {
      case 'exact': return `Expected ${stream}`;
      case 'regex': return `Expected ${stream}, as a pattern (a regular expression)`;
      case 'contains': return `${Stream} contains`;
      case 'lines': return `${Stream} contains these lines, in this order (others may come between)`;
    }
  }
  return e.mode === 'regex' ? `${Stream} matches the pattern` : `${Stream} contains`;
}

/** The text without trailing blank lines, cut to LOOK_FOR_LINES: head, a marker line, the last lines. */
export function trimExpected(text: string, maxLines = LOOK_FOR_LINES): { text: string; omitted: number } {
  const lines = text.replace(/\s+$/, '').split('\n');
  if (lines.length <= maxLines) return { text: lines.join('\n'), omitted: 0 };
  const head = maxLines - TAIL_LINES - 1;
  const omitted = lines.length - head - TAIL_LINES;
  return { text: [...lines.slice(0, head), `[… ${omitted} more lines: normal mode shows them all]`, ...lines.slice(-TAIL_LINES)].join('\n'), omitted };
}

/** What to look for in one step's output, in the order the page writes the expectations. */
export function lookFor(expectations: OutputExpectation[], maxLines = LOOK_FOR_LINES): LookFor[] {
  // Attributes first in the parser's list, blocks after: show the page's order (blocks are what the reader saw first).
  const ordered = [...expectations].sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
  return ordered.map((e) => ({ label: label(e), pattern: e.mode === 'regex', ...trimExpected(e.text, maxLines) }));
}

/**
 * The parser's steps of a page by their 1-based index (the harness's and the
 * report's numbering), or an empty map when the page does not parse (the
 * build's proof check reports that page; the view then shows no expectations).
 */
export function parsedSteps(source: string, file: string): Map<number, Step> {
  const { runbook } = parseRunbook(source, file);
  return new Map((runbook?.steps ?? []).map((s) => [s.index, s]));
}
