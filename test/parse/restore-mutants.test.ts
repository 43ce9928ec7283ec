/**
 * RB125's mutants, made from the guide itself: for every page whose operator
 * steps restore data, the page with its proof taken out (every step after
 * the last restore that compares data, and the expected output under it).
 * Every command of such a page would still exit 0 and the data would go
 * unchecked: the parser must reject each one, at a restore.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPaths } from '../../src/harness/files/project.ts';
import { markdownFiles } from '../../src/harness/files/collect.ts';
import { codeNodes, parseMarkdown } from '../../src/harness/parse/markdown.ts';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { findRestore, newRestoreContext, provesData } from '../../src/harness/parse/restores.ts';

/** The page without the proofs after its last operator restore; undefined when it restores nothing. */
function withoutProof(source: string, file: string): { mutant: string; removed: number } | undefined {
  const { runbook } = parseRunbook(source, file);
  if (!runbook || runbook.settings.unprovenRestore !== undefined) return undefined;
  const context = newRestoreContext();
  const restoring = runbook.steps.map((s) => findRestore(s.code, context) !== undefined && s.role === 'operator'
    && s.exit.kind === 'codes' && s.exit.codes.includes(0));
  const last = restoring.lastIndexOf(true);
  if (last < 0) return undefined;
  const proofLines = new Set(runbook.steps.filter((s, i) => i > last && provesData(s)).map((s) => s.position.line));
  const lines = source.split('\n');
  const cut: [number, number][] = [];
  let cutting = false;
  for (const node of codeNodes(parseMarkdown(source))) {
    const start = node.position!.start.line;
    const isStep = /(?:^|\s)run(?:\s|$)/.test(node.meta ?? '');
    // A removed step takes the expected output blocks right under it along.
    if (isStep) cutting = proofLines.has(start);
    if (cutting) cut.push([start, node.position!.end.line]);
  }
  for (const [from, to] of cut.reverse()) lines.splice(from - 1, to - from + 1);
  return { mutant: lines.join('\n'), removed: proofLines.size };
}

describe('a page that restores, with its proof taken out', () => {
  it('is rejected by the parser (RB125) on every page of the guide', () => {
    const { root, content } = projectPaths();
    const results = markdownFiles([relative(root, content)], root).flatMap((file) => {
      const source = readFileSync(join(root, file), 'utf8');
      expect(parseRunbook(source, file).diagnostics.filter((d) => d.code === 'RB125'), file).toEqual([]);
      const mutant = withoutProof(source, file);
      if (!mutant) return [];
      const codes = parseRunbook(mutant.mutant, file).diagnostics.map((d) => d.code);
      return [{ file, removed: mutant.removed, killed: codes.includes('RB125') }];
    });
    expect(results.length).toBeGreaterThan(15);
    expect(results.filter((r) => r.removed > 0 && !r.killed)).toEqual([]);
    // Each restoring page has a proof to take out: none passes on a proof from before its restore.
    expect(results.filter((r) => r.removed === 0)).toEqual([]);
    console.info(`restore mutants: ${results.length} pages, ${results.filter((r) => r.killed).length} killed by RB125`);
  });
});
