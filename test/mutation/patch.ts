import type { Patch } from './mutants.ts';

/** Applies patches; each `from` must occur exactly once, so a typo cannot go unnoticed. */
export function applyPatches(text: string, patches: Patch[], file: string): string {
  return patches.reduce((current, { from, to }) => {
    const count = current.split(from).length - 1;
    if (count !== 1) throw new Error(`mutant patch for ${file} matches ${count} times, expected once: ${JSON.stringify(from)}`);
    return current.replace(from, () => to);
  }, text);
}
