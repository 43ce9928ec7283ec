/**
 * The caption over an expected-output block. Pure.
 *
 * An output block is what the harness compared a step's output with, not a
 * capture: unlabelled, it reads as real output, and a `match=regex` block
 * reads as output full of backslashes. The caption names the comparison,
 * in the parser's own terms (parse/block.ts: match=exact|contains|lines|regex,
 * stream=stdout|stderr|combined, for=<id>).
 */
import type { FenceInfo } from '../fences.ts';
import { parseMatchMode, parseStream } from '../../harness/parse/values.ts';
import type { MatchMode, Stream } from '../../harness/model.ts';

export interface ExpectedCaption {
  mode: MatchMode;
  stream: Stream;
  /** `Expected output`, `Expected error output (stderr)`… */
  label: string;
  /** How the block is compared, when not the whole output as written. */
  how?: string;
  /** `for=<id>`: the step it belongs to, when not the one right above. */
  forId?: string;
}

const HOW: Record<MatchMode, string | undefined> = {
  exact: undefined,
  contains: 'an excerpt: the output contains this text',
  lines: 'these lines, in this order; other lines may come between',
  regex: 'a pattern (regular expression), not literal output',
};

const STREAM: Record<Stream, string> = {
  stdout: 'Expected output',
  stderr: 'Expected error output (stderr)',
  combined: 'Expected output (stdout and stderr)',
};

export function expectedCaption(info: FenceInfo): ExpectedCaption {
  const text = (key: string) => { const v = info.attrs.get(key); return typeof v === 'string' ? v : undefined; };
  // An invalid value stops the harness's parser; here it falls back like a missing one.
  const modeAttr = text('match');
  const mode = modeAttr !== undefined && parseMatchMode(modeAttr).ok ? (modeAttr as MatchMode) : 'exact';
  const streamAttr = text('stream');
  const stream = streamAttr !== undefined && parseStream(streamAttr).ok ? (streamAttr as Stream) : 'stdout';
  const how = HOW[mode];
  const forId = text('for');
  return { mode, stream, label: STREAM[stream], ...(how ? { how } : {}), ...(forId ? { forId } : {}) };
}
