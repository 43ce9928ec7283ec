import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { hashTree } from '../../src/harness/cache/hash-tree.ts';
import { cacheKey, type CacheKeyParts } from '../../src/harness/cache/key.ts';
import { cacheRecord, decideReuse } from '../../src/harness/cache/reuse.ts';
import { ResultCache } from '../../src/harness/cache/store.ts';
import { planMatrix, type MatrixEntry } from '../../src/harness/plan/matrix.ts';
import { makeResult, makeRunbook } from './build.ts';

const parts: CacheKeyParts = { sourceHash: 'a'.repeat(64), major: 17, server: 'sha256:0123', scripts: 'b'.repeat(64), harness: 'c'.repeat(64) };

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rb-unit-cache-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the cache key', () => {
  it('is the same on every machine for the same parts', () => {
    // Pinned: a change here makes every stored pass a miss, which should be a decision.
    expect(cacheKey(parts)).toMatchInlineSnapshot(`"b8bba2e0e56a16002556f0b9e58f9a35a915abf27bdca0db2454818876ca42e6"`);
    expect(cacheKey({ ...parts })).toBe(cacheKey(parts));
  });

  it('changes with each part: the page, the version, the server, scripts/ and the harness', () => {
    const changed = (Object.keys(parts) as (keyof CacheKeyParts)[]).map((name) => cacheKey({ ...parts, [name]: name === 'major' ? 18 : 'x' }));
    expect(new Set([cacheKey(parts), ...changed]).size).toBe(6);
  });
});

describe('hashing a directory for the key', () => {
  it('covers file names and contents, in a stable order, and honours the filter', () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'b.sh'), 'echo b\n');
    writeFileSync(join(dir, 'sub', 'a.sh'), 'echo a\n');
    const before = hashTree(dir);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(hashTree(dir)).toBe(before);

    writeFileSync(join(dir, 'sub', 'a.sh'), 'echo A\n');
    const edited = hashTree(dir);
    expect(edited).not.toBe(before);

    writeFileSync(join(dir, 'notes.log'), 'ignored');
    expect(hashTree(dir, (path) => !path.endsWith('.log'))).toBe(edited);
    expect(hashTree(dir)).not.toBe(edited);
  });
});

describe('deciding what the cache answers', () => {
  const pages = ['a', 'b'].map((p) => makeRunbook(`content/${p}.md`));
  const { entries } = planMatrix(pages, [15, 17]);
  const verifiedAt = new Date('2026-01-02T03:04:05Z');
  const stored = (entry: MatrixEntry) =>
    entry.major === 17 ? cacheRecord(makeResult(makeRunbook(entry.runbook.file, { title: 'old title' }), entry.major), verifiedAt) : undefined;

  it('reuses stored passes with today\'s runbook, and runs the rest in plan order', () => {
    const { reused, toRun } = decideReuse(entries, stored, false);
    expect([...reused].map(([key, r]) => `${key} ${r.runbook.title} ${r.reused?.verifiedAt}`)).toMatchInlineSnapshot(`
      [
        "content/a.md@17 a 2026-01-02T03:04:05.000Z",
        "content/b.md@17 b 2026-01-02T03:04:05.000Z",
      ]
    `);
    expect(toRun.map((e) => `${e.runbook.file}@${e.major}`)).toEqual(['content/a.md@15', 'content/b.md@15']);
  });

  it('reuses nothing with --force, nor a stored result that does not say when it was verified', () => {
    expect(decideReuse(entries, stored, true).toRun).toEqual(entries);
    const unstamped = (entry: MatrixEntry) => makeResult(entry.runbook, entry.major);
    expect(decideReuse(entries, unstamped, false).reused.size).toBe(0);
  });
});

describe('the result store', () => {
  it('keeps passes only, and treats a corrupt entry as a miss', () => {
    const dir = join(scratchDir(), 'cache');
    const store = new ResultCache(dir);
    const page = makeRunbook('content/a.md');
    store.put('pass', makeResult(page, 17));
    store.put('fail', makeResult(page, 17, 'failed'));
    expect(store.get('pass')?.status).toBe('passed');
    expect(store.get('fail')).toBeUndefined();
    writeFileSync(join(dir, 'corrupt.json'), '{"status": "pass');
    expect(store.get('corrupt')).toBeUndefined();
  });
});
