/**
 * How the site reads a fenced block's info string. Pure.
 *
 * The attributes come from the harness's own tokenizer (src/harness/parse/meta.ts,
 * a pure module): `key`, `key=value`, `key="quoted value"`, and Expressive Code
 * marks (`{2}`, `"text"`, `/re/`) that have no key; quoting matters:
 * `title="run hidden things"` must not make a block hidden. What the site needs
 * beyond that is its view of a block: a step when it says `run`, unverified
 * when it says `skip=` instead, expected output when it says `output`.
 * The build then proves the two readings agree: every step the site finds must
 * be the step the report says ran, same order, same text (proof/page-proof.ts).
 */
import type { StepRole } from '../harness/model.ts';
import { tokenizeMeta } from '../harness/parse/meta.ts';
import { parseRole, stepRole } from '../harness/parse/values.ts';

export type FenceKind = 'step' | 'skip' | 'output' | 'chart' | 'estimate' | 'plain';

export interface FenceInfo {
  kind: FenceKind;
  /** Attribute → value (`true` for a bare word); first occurrence wins. */
  attrs: Map<string, string | true>;
  hidden: boolean;
  /** For steps: `role=`, else `proof` when hidden, `operator` when shown (the harness's rule, parse/values.ts). */
  role: StepRole;
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
  /** `on="<host>"`: where a step runs (the site's default when absent: proof/where.ts). */
  on?: string;
  /** `as="<OS user>"`: who runs it. */
  as?: string;
  /** `server=NAME`: the harness's machine the step runs on (absent: the primary's). */
  server?: string;
}

/**
 * Splits a fence's meta into attributes, with the harness's tokenizer.
 * @returns undefined when a quote or brace is unclosed (the harness rejects
 *   such a page, so the site leaves the block alone).
 */
function parseMeta(meta: string): Map<string, string | true> | undefined {
  const { tokens, unclosedAt } = tokenizeMeta(meta);
  if (unclosedAt !== undefined) return undefined;
  const attrs = new Map<string, string | true>();
  for (const { key, value } of tokens) {
    if (key !== undefined && !attrs.has(key)) attrs.set(key, value ?? true);
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
    : lang === 'estimate' ? 'estimate'
    : 'plain';
  const hidden = isRun && attrs.get('hidden') === true;
  const written = text('role');
  const parsed = written === undefined ? undefined : parseRole(written);
  // An invalid role stops the harness's parser; here it falls back like a missing one.
  const role = stepRole(parsed?.ok ? parsed.value : undefined, hidden);
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
  // `server=standby` runs the step on that server's machine: unless `on=` says it in the reader's words, the page names it so.
  const server = isRun ? text('server') : undefined;
  const on = isRun ? (text('on') ?? (server !== undefined && server !== 'primary' ? `the ${server} server` : undefined)) : undefined;
  if (on !== undefined) info.on = on;
  if (server !== undefined && server !== 'primary') info.server = server;
  const as = isRun ? text('as') : undefined;
  if (as !== undefined) info.as = as;
  return info;
}
