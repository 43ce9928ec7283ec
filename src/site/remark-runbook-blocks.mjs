/**
 * Remark plugin: how runbook code fences appear on the site.
 *
 * The harness (src/harness) executes the `run` fences of every page; the site
 * only needs three rules, and everything else is left to Expressive Code,
 * which ignores meta words it does not know (`run id=x exit=1`) and still
 * honours its own (`title="…"`, `{2}` line marks). This file deliberately does
 * not import the harness: the site must build without it.
 *
 * 1. `run … hidden`  → removed. Hidden steps (setup, assertions) run in the
 *    harness but must not be offered to the reader as commands to copy.
 * 2. `skip="reason"` → an aside "Not verified: <reason>" is inserted right
 *    before the block, so a command nobody executed never looks verified.
 * 3. anything else   → untouched.
 *
 * Runs before Starlight's and Expressive Code's plugins (they are appended to
 * the same processor after the user's), so it sees the raw `node.meta`.
 */

/** Closing delimiter for each opening one, as in the harness and Expressive Code. */
/** @type {Record<string, string>} */
const CLOSERS = { '"': '"', "'": "'", '{': '}', '/': '/' };

/**
 * Splits a fence's meta into attributes, the same way the harness does
 * (src/harness/parse/meta.ts): `key`, `key=value`, `key="quoted value"`, and
 * Expressive Code marks (`{2}`, `"text"`, `/re/`) that have no key. Quoting
 * matters: `title="run hidden things"` must not make a block hidden.
 *
 * @param {string} meta
 * @returns {Map<string, string | true> | undefined} attribute → value (true for
 *   a bare word); undefined when a quote or brace is unclosed (the harness
 *   rejects such a page, so the site leaves the block alone).
 */
export function parseMeta(meta) {
  /** @type {Map<string, string | true>} */
  const attrs = new Map();
  let i = 0;
  /** Index after the delimited value starting at `start`, or -1 when unclosed. */
  const readDelimited = (/** @type {number} */ start) => {
    const open = meta[start];
    const close = CLOSERS[open];
    for (let j = start + 1; j < meta.length; j++) {
      if (meta[j] === '\\' && open !== '{') { j++; continue; }
      if (meta[j] === close) return j + 1;
    }
    return -1;
  };
  const unquote = (/** @type {string} */ raw) =>
    (raw[0] === '"' || raw[0] === "'") && raw.length >= 2
      ? raw.slice(1, -1).replace(/\\(["'\\])/g, '$1')
      : raw;
  const wordEnd = (/** @type {number} */ from) => {
    const k = meta.slice(from).search(/\s/);
    return k < 0 ? meta.length : from + k;
  };

  while (i < meta.length) {
    if (/\s/.test(meta[i])) { i++; continue; }
    if (meta[i] in CLOSERS) {
      // An Expressive Code mark without a key: `{2}`, `"text"`, `/re/`.
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
    const end = i < meta.length && meta[i] in CLOSERS ? readDelimited(i) : wordEnd(i);
    if (end < 0) return undefined;
    if (!attrs.has(key)) attrs.set(key, unquote(meta.slice(start, end)));
    i = end;
  }
  return attrs;
}

/**
 * A Starlight-style "caution" aside, built as mdast nodes with `data.hName`
 * so remark-rehype turns it into HTML and escapes the reason as text (no raw
 * HTML, nothing to escape by hand). It reuses Starlight's aside classes for
 * the look; the `data-runbook-skip` attribute lets the site style or find it.
 *
 * @param {string} reason
 */
function notVerifiedAside(reason) {
  return {
    type: 'runbookNotVerified',
    data: {
      hName: 'aside',
      hProperties: {
        className: ['starlight-aside', 'starlight-aside--caution', 'runbook-not-verified'],
        'aria-label': 'Not verified',
        dataRunbookSkip: reason,
      },
    },
    children: [
      {
        type: 'paragraph',
        children: [
          { type: 'strong', children: [{ type: 'text', value: 'Not verified:' }] },
          { type: 'text', value: ` ${reason}` },
        ],
      },
    ],
  };
}

/** Plugin: see the comment at the top of this file. */
export default function remarkRunbookBlocks() {
  return function transformer(/** @type {import('mdast').Root} */ tree) {
    walk(tree);
  };
}

/**
 * Depth-first walk over every parent (fences can sit in lists and blockquotes).
 * @param {{ children?: any[] }} parent an mdast node
 */
function walk(parent) {
  if (!Array.isArray(parent.children)) return;
  for (let index = 0; index < parent.children.length; index++) {
    const node = parent.children[index];
    if (node.type !== 'code') {
      walk(node);
      continue;
    }
    const attrs = parseMeta(node.meta ?? '');
    if (!attrs) continue;
    if (attrs.get('run') === true && attrs.get('hidden') === true) {
      parent.children.splice(index, 1);
      index--;
    } else if (!attrs.has('run') && typeof attrs.get('skip') === 'string') {
      parent.children.splice(index, 0, notVerifiedAside(/** @type {string} */ (attrs.get('skip'))));
      index++; // skip past the block we just put the aside in front of
    }
  }
}
