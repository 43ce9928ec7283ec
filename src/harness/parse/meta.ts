/**
 * A fence's info string: which languages are steps, and its meta split the way
 * Expressive Code reads it, so that our attributes (`run id=dump exit=1`) and
 * Expressive Code's own (`title="…"`, `{2-4}`, `"marked text"`, `/regex/`) can
 * share one line. Pure; the harness's parser and the site both read fences
 * with it, so the page and the report cannot disagree on what a block is.
 */

/** Languages whose steps the harness runs, and how (shell input or SQL on psql's stdin). */
export const STEP_LANGS: Readonly<Record<string, 'bash' | 'sql'>> = { bash: 'bash', sh: 'bash', shell: 'bash', sql: 'sql' };

export interface MetaToken {
  /** `key` for `key=value`, the word for a bare flag, undefined for marks (`{1-3}`, `"text"`, `/re/`). */
  key?: string;
  /** The value with its quotes removed; undefined for a bare flag. */
  value?: string;
  /** Offset of the token in the meta string. */
  offset: number;
  raw: string;
}

export interface MetaParse {
  tokens: MetaToken[];
  /** Offset of an unclosed quote, brace or slash, if any. */
  unclosedAt?: number;
}

const closers: Record<string, string> = { '"': '"', "'": "'", '{': '}', '/': '/' };

/** Reads a delimited value starting at `start` (which holds the opening delimiter). Returns the index after the closer, or -1. */
function readDelimited(meta: string, start: number): number {
  const open = meta[start]!;
  const close = closers[open]!;
  for (let i = start + 1; i < meta.length; i++) {
    const ch = meta[i];
    if (ch === '\\' && open !== '{') {
      i++;
      continue;
    }
    if (ch === close) return i + 1;
  }
  return -1;
}

/**
 * Inside a quoted value, a backslash escapes the value's own quote and a
 * backslash; any other backslash stays (`matches="\d+"` is a regex), and the
 * other kind of quote needs no escape. Expressive Code unescapes the same two,
 * so a title reads the same on the page as in the harness.
 */
function unquote(raw: string): string {
  const open = raw[0];
  if ((open === '"' || open === "'") && raw.length >= 2) {
    return raw.slice(1, -1).replace(open === '"' ? /\\(["\\])/g : /\\(['\\])/g, '$1');
  }
  return raw;
}

export function tokenizeMeta(meta: string): MetaParse {
  const tokens: MetaToken[] = [];
  let i = 0;
  while (i < meta.length) {
    if (/\s/.test(meta[i]!)) {
      i++;
      continue;
    }
    const start = i;
    if (meta[i]! in closers) {
      const end = readDelimited(meta, i);
      if (end < 0) return { tokens, unclosedAt: start };
      tokens.push({ offset: start, raw: meta.slice(start, end) });
      i = end;
      continue;
    }
    const word = /^[A-Za-z_][\w-]*/.exec(meta.slice(i));
    if (!word) {
      // Anything else is a mark Expressive Code may understand; keep it whole.
      const end = meta.slice(i).search(/\s/);
      const stop = end < 0 ? meta.length : i + end;
      tokens.push({ offset: start, raw: meta.slice(start, stop) });
      i = stop;
      continue;
    }
    const key = word[0];
    i += key.length;
    if (meta[i] !== '=') {
      tokens.push({ key, offset: start, raw: key });
      continue;
    }
    i++;
    let valueEnd: number;
    if (i < meta.length && meta[i]! in closers) {
      valueEnd = readDelimited(meta, i);
      if (valueEnd < 0) return { tokens, unclosedAt: i };
    } else {
      const end = meta.slice(i).search(/\s/);
      valueEnd = end < 0 ? meta.length : i + end;
    }
    const rawValue = meta.slice(i, valueEnd);
    tokens.push({ key, value: unquote(rawValue), offset: start, raw: meta.slice(start, valueEnd) });
    i = valueEnd;
  }
  return { tokens };
}
