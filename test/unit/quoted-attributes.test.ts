/**
 * Quotes inside attribute values (`stderr-contains="relation \"orders\" does
 * not exist"`). CommonMark decodes backslash escapes in a fence's info string,
 * which turned the escaped quote into a closing one; the fence's meta is now
 * read as written (parse/raw-meta.ts), by the harness and the site alike.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MetaOptions } from '@expressive-code/core';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { codeNodes, parseMarkdown } from '../../src/harness/parse/markdown.ts';
import { tokenizeMeta } from '../../src/harness/parse/meta.ts';
import { formatDiagnostic } from '../../src/harness/errors.ts';
import { classifyFence } from '../../src/site/fences.ts';
import { readPageBlocks } from '../../src/site/page-blocks.ts';

const FIXTURE = 'test/fixtures/parse/quoted-attribute.md';
const text = readFileSync(FIXTURE, 'utf8');
const fence = (meta: string, code = 'true'): string => `---\ntitle: T\n---\n\n\`\`\`bash ${meta}\n${code}\n\`\`\`\n`;

describe('a quote inside an attribute value', () => {
  it('reaches the tokenizer as written: the Markdown layer keeps the backslashes', () => {
    const metas = [...codeNodes(parseMarkdown(text))].map((node) => node.meta);
    expect(metas[0]).toBe('run id=escaped exit=1 stderr-contains="relation \\"orders\\" does not exist"');
  });

  it('gives the harness the text the author meant, with either kind of quote', () => {
    const { runbook, diagnostics } = parseRunbook(text, FIXTURE);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    const [escaped, single, apostrophe] = runbook!.steps;
    expect(escaped!.expectations.map((e) => [e.stream, e.text])).toEqual([['stderr', 'relation "orders" does not exist']]);
    expect(single!.expectations.map((e) => [e.stream, e.text])).toEqual([['stderr', 'relation "orders" does not exist']]);
    expect(single!.title).toBe("Reading a table that isn't there");
    expect(apostrophe!.expectations.map((e) => [e.mode, e.text])).toEqual([['contains', "it's \\ here"], ['regex', "^it's \\\\ h\\w+$"]]);
  });

  it('unescapes only the value\'s own quote and the backslash; a regex keeps its escapes', () => {
    const values = (meta: string) => tokenizeMeta(meta).tokens.map((t) => t.value);
    expect(values(String.raw`a="x\"y" b='x\'y' c="x\'y" d='x\"y' e="\d\.\\" f=x\"y`)).toEqual(
      ['x"y', "x'y", String.raw`x\'y`, String.raw`x\"y`, '\\d\\.\\', String.raw`x\"y`]);
  });

  it('points at the right column for a mistake after an escaped quote', () => {
    const { diagnostics } = parseRunbook(fence('run stderr-contains="a \\"b\\" c" exitt=1'), 'x.md');
    expect(diagnostics.map(formatDiagnostic)[0]).toMatch(/^x\.md:5:41: Unknown attribute `exitt`, did you mean `exit`\?/);
  });

  it('reads the same on the site: the page reader and the fence classifier agree with the harness', () => {
    const blocks = readPageBlocks(text);
    expect(blocks.map((b) => [b.info.kind, b.info.attrs.get('stderr-contains') ?? b.info.attrs.get('contains')])).toEqual([
      ['step', 'relation "orders" does not exist'], ['step', 'relation "orders" does not exist'], ['step', "it's \\ here"],
    ]);
    expect(blocks[1]!.info.title).toBe("Reading a table that isn't there");
    // A quoted word is never an attribute: `hidden` inside a title does not hide the step.
    expect(classifyFence('bash', 'run title="a \\"hidden\\" gem"')).toMatchObject({ kind: 'step', hidden: false, title: 'a "hidden" gem' });
  });

  it('reads the same as Expressive Code, which renders the title on the page', () => {
    for (const node of codeNodes(parseMarkdown(text))) {
      const ours = tokenizeMeta(node.meta!).tokens.filter((t) => t.key !== undefined && t.value !== undefined);
      const theirs = new MetaOptions(node.meta!);
      expect(theirs.errors).toBeUndefined();
      for (const token of ours) expect(theirs.getString(token.key!), `${token.key} in ${node.meta}`).toBe(token.value);
    }
  });
});
