/**
 * A fence's meta exactly as written, backslashes included.
 *
 * CommonMark decodes backslash escapes and entities in a fence's info string,
 * so remark hands `stderr-contains="relation \"orders\" does not exist"` over
 * as `stderr-contains="relation "orders" does not exist"`: the quote that was
 * escaped now closes the value, and `orders` reads as an attribute. Our
 * tokenizer (meta.ts) and Expressive Code's both undo backslash escapes
 * themselves, so they need the text before CommonMark touched it. This
 * mdast-util-from-markdown extension keeps the source slice as `meta`.
 *
 * Every processor that reads runbook fences must `.use(remarkRawMeta)`: the
 * harness's and the site's page reader (parse/markdown.ts) and Astro's
 * (astro.config.mjs), or the page and the report disagree on a block.
 */

import type { Code } from 'mdast';
import type { CompileContext, Extension, Token } from 'mdast-util-from-markdown';
import type { Processor } from 'unified';

/** Replaces the default exit handler, which stores the decoded text. */
function exitMeta(this: CompileContext, token: Token): undefined {
  this.resume();
  const node = this.stack[this.stack.length - 1] as Code;
  node.meta = this.sliceSerialize(token);
}

export const rawMetaFromMarkdown: Extension = { exit: { codeFencedFenceMeta: exitMeta } };

/** Unified plugin: registers the extension on the processor that parses (remark-parse reads it at parse time). */
export function remarkRawMeta(this: Processor): undefined {
  const data = this.data();
  (data.fromMarkdownExtensions ??= []).push(rawMetaFromMarkdown);
}
