import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalog, didYouMean } from '../src/harness/errors.ts';

describe('the error catalog', () => {
  const page = readFileSync('content/reference/harness-errors.md', 'utf8');

  it('gives every error a unique code', () => {
    const codes = Object.values(catalog).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('documents every code on the harness errors page', () => {
    const missing = Object.values(catalog).map((e) => e.code).filter((code) => !page.includes(`| ${code} |`));
    expect(missing).toEqual([]);
  });

  it('suggests the closest attribute for typos, including swapped letters', () => {
    expect(didYouMean('exitt', ['exit', 'id', 'timeout'])).toBe('exit');
    expect(didYouMean('rnu', ['run', 'skip'])).toBe('run');
    expect(didYouMean('timout', ['timeout'])).toBe('timeout');
    expect(didYouMean('zzz', ['run', 'skip'])).toBeUndefined();
  });
});
