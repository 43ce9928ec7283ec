/**
 * Each step's anchor on its page (`#step-<id>`), so a reader can link a
 * colleague to the exact command. Pure, and computed from the page's blocks
 * alone, so the remark plugin (which puts the ids) and the environment panel
 * (which links to steps) agree without talking to each other.
 */
import type { PageBlock } from '../page-blocks.ts';

/** The harness's id of a step block: `id=`, else `step-N` (parse/index.ts). */
export function stepId(block: Pick<PageBlock, 'info' | 'stepIndex'>): string {
  return block.info.id ?? `step-${block.stepIndex ?? 0}`;
}

/**
 * Anchor per step block, by stepIndex: `step-<id>`, or the id itself when it
 * is already the harness's default `step-N` (no `step-step-3`). Step ids are
 * unique on a page (RB112), but `id=3` and a default `step-3` would meet, so
 * a later repeat gets `-2`, `-3`: unique per page, and stable while the
 * page's ids are.
 */
export function stepAnchors(blocks: Pick<PageBlock, 'info' | 'stepIndex'>[]): Map<number, string> {
  const anchors = new Map<number, string>();
  const taken = new Set<string>();
  for (const block of blocks) {
    if (block.stepIndex === undefined) continue;
    const id = stepId(block);
    const base = /^step-\d+$/.test(id) ? id : `step-${id}`;
    let anchor = base;
    for (let n = 2; taken.has(anchor); n++) anchor = `${base}-${n}`;
    taken.add(anchor);
    anchors.set(block.stepIndex, anchor);
  }
  return anchors;
}
