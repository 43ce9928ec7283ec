/**
 * How the site reads a fenced block's info string. Pure.
 *
 * The site deliberately does not import the harness's parser (STYLE.md: the
 * site imports model types only), so this file repeats the two rules it needs,
 * in the harness's words (src/harness/parse/meta.ts and block.ts):
 *   - attributes are `key`, `key=value`, `key="quoted value"`, and Expressive
 *     Code marks (`{2}`, `"text"`, `/re/`) that have no key; quoting matters:
 *     `title="run hidden things"` must not make a block hidden;
 *   - a block is a step when it says `run`, unverified when it says `skip=`
 *     instead, expected output when it says `output`.
 * The build then proves the two readings agree: every step the site finds must
 * be the step the report says ran, same order, same text (proof/page-proof.ts).
 */

export type FenceKind = 'step' | 'skip' | 'output' | 'chart' | 'plain';

/** The harness's step roles (src/harness/model.ts StepRole): only operator steps are for a reader's system. */
export type FenceRole = 'operator' | 'drill' | 'proof';

export interface FenceInfo {
  kind: FenceKind;
  /** Attribute → value (`true` for a bare word); first occurrence wins. */
  attrs: Map<string, string | true>;
  hidden: boolean;
  /** For steps: `role=`, else `proof` when hidden, `operator` when shown (the harness's rule). */
  role: FenceRole;
  /** `sandbox-only="why"`: a setting safe only in a throwaway sandbox. */
  sandboxOnly?: string;
  /** `skip="reason"` */
  reason?: string;
  id?: string;
  title?: string;
  /** `db=` on SQL steps. */
  database?: string;
  /** `exit=` as written (`0` when absent). */
  exit: string;
}

/** Closing delimiter for each opening one, as in the harness and Expressive Code. */
const CLOSERS: Record<string, string> = { '"': '"', "'": "'", '{': '}', '/': '/' };

/** Languages whose steps the harness runs, and how (shell input or SQL on psql's stdin). */
export const STEP_LANGUAGES: Record<string, 'bash' | 'sql'> = { bash: 'bash', sh: 'bash', shell: 'bash', sql: 'sql' };

/**
 * Splits a fence's meta into attributes.
 * @returns undefined when a quote or brace is unclosed (the harness rejects
 *   such a page, so the site leaves the block alone).
 */
export function parseMeta(meta: string): Map<string, string | true> | undefined {
  const attrs = new Map<string, string | true>();
  let i = 0;
  const readDelimited = (start: number): number => {
    const open = meta[start]!;
    const close = CLOSERS[open];
    for (let j = start + 1; j < meta.length; j++) {
      if (meta[j] === '\\' && open !== '{') { j++; continue; }
      if (meta[j] === close) return j + 1;
    }
    return -1;
  };
  const unquote = (raw: string): string =>
    (raw[0] === '"' || raw[0] === "'") && raw.length >= 2 ? raw.slice(1, -1).replace(/\\(["'\\])/g, '$1') : raw;
  const wordEnd = (from: number): number => {
    const k = meta.slice(from).search(/\s/);
    return k < 0 ? meta.length : from + k;
  };

  while (i < meta.length) {
    if (/\s/.test(meta[i]!)) { i++; continue; }
    if (meta[i]! in CLOSERS) {
      const end = readDelimited(i);
      if (end < 0) return undefined;
      i = end;
      continue;
    }
    const word = /^[A-Za-z_][\w-]*/.exec(meta.slice(i));
    if (!word) { i = wordEnd(i); continue; }
    const key = word[0];
    i += key.length;
    if (meta[i] !== '=') {
      if (!attrs.has(key)) attrs.set(key, true);
      continue;
    }
    i++;
    const start = i;
    const end = i < meta.length && meta[i]! in CLOSERS ? readDelimited(i) : wordEnd(i);
    if (end < 0) return undefined;
    if (!attrs.has(key)) attrs.set(key, unquote(meta.slice(start, end)));
    i = end;
  }
  return attrs;
}

/** What a fenced block is, from its language and meta. Undefined meta = malformed: treated as plain. */
export function classifyFence(lang: string | null | undefined, meta: string | null | undefined): FenceInfo {
  const attrs = parseMeta(meta ?? '') ?? new Map<string, string | true>();
  const text = (key: string): string | undefined => {
    const value = attrs.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  const isRun = attrs.get('run') === true;
  const reason = text('skip');
  const kind: FenceKind = isRun ? 'step'
    : reason !== undefined ? 'skip'
    : attrs.has('output') || lang === 'output' ? 'output'
    : lang === 'chart' ? 'chart'
    : 'plain';
  const hidden = isRun && attrs.get('hidden') === true;
  const written = text('role');
  const role: FenceRole = written === 'operator' || written === 'drill' || written === 'proof' ? written : hidden ? 'proof' : 'operator';
  const info: FenceInfo = { kind, attrs, hidden, role, exit: text('exit') ?? '0' };
  const sandboxOnly = isRun ? text('sandbox-only') : undefined;
  if (sandboxOnly !== undefined) info.sandboxOnly = sandboxOnly;
  if (kind === 'skip' && reason !== undefined) info.reason = reason;
  const id = text('id');
  if (id !== undefined) info.id = id;
  const title = text('title');
  if (title !== undefined) info.title = title;
  const database = text('db');
  if (database !== undefined) info.database = database;
  return info;
}
