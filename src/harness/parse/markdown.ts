/**
 * How a runbook's Markdown is read: remark-parse with YAML frontmatter, over
 * the whole file, so line numbers are the file's. Pure. The harness's parser
 * and the site's page reader share it, so the n-th `run` block the site finds
 * is the harness's step n.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import type { Code, Root } from 'mdast';
import { remarkRawMeta } from './raw-meta.ts';

// remarkRawMeta: a fence's meta as written, so `\"` inside an attribute value stays an escaped quote.
const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkRawMeta);

/** Markdown text → its syntax tree. */
export function parseMarkdown(text: string): Root {
  return processor.parse(text) as Root;
}

/** Every fenced (or indented) code block, in document order. */
export function* codeNodes(node: { type: string; children?: unknown[] }): Generator<Code> {
  if (node.type === 'code') yield node as Code;
  for (const child of (node.children ?? []) as { type: string; children?: unknown[] }[]) yield* codeNodes(child);
}
