import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MUTANTS } from './mutants.ts';
import { applyPatches } from './patch.ts';

// A page edited after its mutant was written can leave the patch matching
// nowhere or twice; the mutation suite would find out only after its long
// run. Every patch is checked against the committed pages here, in a second.
describe('mutant patches', () => {
  it.each(MUTANTS.map((m) => [m.name, m] as const))('apply exactly once: %s', (_, mutant) => {
    const text = readFileSync(mutant.file, 'utf8');
    const patched = applyPatches(text, mutant.patches, mutant.file);
    expect(patched).not.toBe(text);
  });
});
