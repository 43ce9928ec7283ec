import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { markdownFiles } from '../../src/harness/files/collect.ts';
import { projectPaths } from '../../src/harness/files/project.ts';
import { catalog } from '../../src/harness/errors.ts';

/**
 * The parser must never throw on any input, only return diagnostics, each
 * with a real position and a known code. FUZZ_RUNS sets the number of cases
 * (CI: the default; `FUZZ_RUNS=100000 npx vitest run test/parse/fuzz.test.ts` for the long run).
 */
const runs = Number(process.env.FUZZ_RUNS ?? 3000);
const { root } = projectPaths();
const corpus = markdownFiles(['content', 'test/fixtures/parse'], root).map((f) => readFileSync(`${root}/${f}`, 'utf8'));
const codes = new Set<string>(Object.values(catalog).map((e) => e.code));
let cases = 0;

function check(text: string): void {
  cases++;
  const lines = text.split(/\r?\n|\r/).length;
  const result = parseRunbook(text, 'fuzz.md');
  for (const d of result.diagnostics) {
    expect(codes.has(d.code), d.code).toBe(true);
    expect(d.position.file).toBe('fuzz.md');
    expect(d.position.line).toBeGreaterThanOrEqual(1);
    expect(d.position.line).toBeLessThanOrEqual(lines + 1);
    expect(d.position.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.hint.length).toBeGreaterThan(0);
  }
  if (result.runbook) expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
}

/** Edits that break Markdown the way people do: cut a fence, drop a quote, duplicate a line, splice in noise. */
const mutation = fc.record({
  doc: fc.constantFrom(...corpus),
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'insert', 'duplicate-line', 'truncate', 'swap-lines'),
  text: fc.oneof(fc.string(), fc.constantFrom('```', '~~~', '"', "'", '{', '---\n', 'run ', 'id=', 'exit=', '\n```bash run\n', '`', '\u0000', '\uFFFD', '\r')),
  length: fc.integer({ min: 1, max: 40 }),
});

function mutate({ doc, at, kind, text, length }: { doc: string; at: number; kind: string; text: string; length: number }): string {
  const i = at % (doc.length + 1);
  const lines = doc.split('\n');
  const l = at % lines.length;
  switch (kind) {
    case 'delete': return doc.slice(0, i) + doc.slice(i + length);
    case 'insert': return doc.slice(0, i) + text + doc.slice(i);
    case 'duplicate-line': return [...lines.slice(0, l + 1), lines[l]!, ...lines.slice(l + 1)].join('\n');
    case 'swap-lines': return [...lines.slice(0, l), lines[(l + 1) % lines.length]!, lines[l]!, ...lines.slice(l + 2)].join('\n');
    default: return doc.slice(0, i);
  }
}

describe('fuzzing the parser', () => {
  it(`never throws on arbitrary text (${runs} cases)`, () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), check), { numRuns: runs });
  });

  it(`never throws on mutated runbooks (${runs} cases of ${corpus.length} documents)`, () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (edits) => {
      let text = edits[0]!.doc;
      for (const edit of edits) text = mutate({ ...edit, doc: text });
      check(text);
    }), { numRuns: runs });
  });

  it('never throws on info strings built from our attributes', () => {
    const word = fc.constantFrom('run', 'hidden', 'skip', 'output', 'id', 'exit', 'timeout', 'db', 'contains', 'matches', 'match', 'stream', 'for', 'title', '{1-2}', '"x"', '/re/');
    const value = fc.oneof(fc.constant(''), fc.constantFrom('=0', '=x', '="a b"', "='q'", '=1,2', '=nonzero', '=5s', '=(', '="', '={')) ;
    const meta = fc.array(fc.tuple(word, value).map(([w, v]) => w + v), { maxLength: 6 }).map((parts) => parts.join(' '));
    fc.assert(fc.property(fc.constantFrom('bash', 'sql', 'sh', 'text', 'python', ''), meta, fc.string({ maxLength: 40 }), (lang, m, body) => {
      check(`---\ntitle: t\n---\n\n\`\`\`${lang} ${m}\n${body}\n\`\`\`\n`);
    }), { numRuns: runs });
    console.log(`parser fuzz: ${cases} cases, 0 exceptions`);
  });
});
