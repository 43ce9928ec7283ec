/**
 * A page's fenced blocks, in document order. Pure: Markdown text in, blocks out.
 *
 * Parsed by the harness's own Markdown set-up (src/harness/parse/markdown.ts),
 * over the whole file (frontmatter included), so line numbers are the file's
 * and the n-th `run` block here is the harness's step n.
 */
import { codeNodes, parseMarkdown } from '../harness/parse/markdown.ts';
import { STEP_LANGS } from '../harness/parse/meta.ts';
import { classifyFence, type FenceInfo } from './fences.ts';

export interface PageBlock {
  info: FenceInfo;
  lang: string;
  /** The block's text, as the reader sees and copies it. */
  code: string;
  /** 1-based line of the opening fence in the file. */
  line: number;
  /** For steps: 1-based order among the page's steps (hidden ones included), as the harness numbers them. */
  stepIndex?: number;
  /** For steps: how the harness sends it (shell input, or SQL on psql's stdin). */
  language?: 'bash' | 'sql';
}

export function readPageBlocks(source: string): PageBlock[] {
  const tree = parseMarkdown(source);
  const blocks: PageBlock[] = [];
  let steps = 0;
  for (const node of codeNodes(tree)) {
    const lang = node.lang ?? '';
    const info = classifyFence(lang, node.meta);
    const block: PageBlock = { info, lang, code: node.value, line: node.position?.start.line ?? 0 };
    if (info.kind === 'step') {
      block.stepIndex = ++steps;
      block.language = STEP_LANGS[lang] ?? 'bash';
    }
    blocks.push(block);
  }
  return blocks;
}

/** Whether the page has anything the harness runs. */
export function hasSteps(blocks: PageBlock[]): boolean {
  return blocks.some((b) => b.info.kind === 'step');
}
