/**
 * What each page of content/ should show, worked out from the report and the
 * harness's own parser: the oracle for the browser tests, independent of the
 * site's code.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import type { Code, Root } from 'mdast';
import type { Report, RunbookReport } from '../../src/harness/report/format.ts';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { ROOT } from './site-harness.ts';

export interface PageCase {
  file: string;
  url: string;
  source: string;
  /** verified: every run matches the page and passed; no-steps: nothing to prove, nothing skipped. */
  expected: 'verified' | 'failed' | 'unverified' | 'no-steps';
  runs: RunbookReport[];
  /** `inScript`: an operator step expected to succeed and safe outside a sandbox, the only kind the downloadable script holds. */
  steps: { line: number; code: string; hidden: boolean; inScript: boolean; language: 'bash' | 'sql' }[];
  unverified: { line: number; code: string; reason: string }[];
  /** Every fenced block in page order, with the text a reader copies. */
  /** Charts (```chart) and comparisons of methods (```estimate) are drawn from a step's output, not shown as code: `hidden`, no copy button. */
  blocks: { line: number; kind: 'step' | 'skip' | 'chart' | 'estimate' | 'other'; text: string; hidden: boolean }[];
  visibleSteps: number;
  /** Machines the steps run on: the primary's, and each `server=` named. */
  machines: number;
}

const markdown = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']);

function fences(source: string): Code[] {
  const out: Code[] = [];
  const walk = (node: { type: string; children?: unknown[] }) => {
    if (node.type === 'code') out.push(node as Code);
    for (const child of (node.children ?? []) as { type: string }[]) walk(child);
  };
  walk(markdown.parse(source) as Root);
  return out;
}

function expectedStatus(runs: RunbookReport[], source: string, hasSteps: boolean, skipped: number): PageCase['expected'] {
  if (!hasSteps) return skipped > 0 ? 'unverified' : 'no-steps';
  const hash = createHash('sha256').update(source).digest('hex');
  if (runs.length === 0 || runs.some((r) => r.sourceHash !== hash)) return 'unverified';
  if (runs.some((r) => r.status === 'failed' || r.status === 'error')) return 'failed';
  return runs.some((r) => r.status === 'passed') ? 'verified' : 'unverified';
}

export function loadPages(report: Report): PageCase[] {
  const contentDir = path.join(ROOT, 'content');
  const files = readdirSync(contentDir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.mdx?$/.test(d.name) && !d.name.startsWith('_'))
    .map((d) => path.relative(ROOT, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
  return files.map((file) => {
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    const { runbook } = parseRunbook(source, file);
    if (!runbook) throw new Error(`${file} does not parse: run \`npm run runbooks -- list ${file}\``);
    const steps = runbook.steps.map((s) => ({
      line: s.position.line, code: s.code, hidden: s.hidden, language: s.language,
      inScript: s.role === 'operator' && s.sandboxOnly === undefined && s.exit.kind === 'codes' && s.exit.codes.join() === '0',
    }));
    const unverified = runbook.unverified.map((u) => ({ line: u.position.line, code: u.code, reason: u.reason }));
    const blocks = fences(source).map((node) => {
      const line = node.position!.start.line;
      const step = steps.find((s) => s.line === line);
      const kind = step ? 'step' as const : unverified.some((u) => u.line === line) ? 'skip' as const
        : node.lang === 'chart' ? 'chart' as const : node.lang === 'estimate' ? 'estimate' as const : 'other' as const;
      return { line, kind, text: node.value, hidden: step?.hidden ?? (kind === 'chart' || kind === 'estimate') };
    });
    const runs = report.runbooks.filter((r) => r.file === file).sort((a, b) => a.major - b.major);
    const slug = file.replace(/^content\//, '').replace(/\.mdx?$/, '').replace(/(^|\/)index$/, '');
    return {
      file, source, runs, steps, unverified, blocks,
      url: slug === '' ? '/' : `/${slug}/`,
      expected: expectedStatus(runs, source, steps.length > 0, unverified.length),
      visibleSteps: steps.filter((s) => !s.hidden).length,
      machines: new Set(runbook.steps.map((s) => s.server ?? 'primary')).size,
    };
  });
}
