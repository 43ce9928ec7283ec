/**
 * Remark plugin: how runbook code fences appear on the site, with their proof.
 *
 * It runs before Starlight's and Expressive Code's plugins (they are appended
 * to the same processor after ours), so it sees each fence's raw meta, and
 * Expressive Code still renders the block itself (title, line marks, copy
 * button) wherever we put it.
 *
 * 1. `run … hidden`  → removed: setup and assertions run in the harness but are
 *    not offered to the reader as commands to copy.
 * 2. `run`           → wrapped with its proof: a status mark above (✓ passed,
 *    ✗ failed, not run; per PostgreSQL version, with timings) and the captured
 *    output below in a collapsible panel. Only when the report says that exact
 *    text ran; otherwise the mark says "Not verified" and why.
 * 3. `skip="reason"` → an aside "Not verified: <reason>" right before the block.
 * 4. ```chart        → bars drawn from the table a verified step printed (proof/chart.ts).
 *
 * Blocks are matched to the page's proof by order (the n-th fence here is the
 * n-th fence of the file) and then by text: Astro renders the page body
 * without its frontmatter, so line numbers here are not the file's.
 */
import type { Code, Root, RootContent } from 'mdast';
import type { Element } from 'hast';
import type { VFile } from 'vfile';
import { classifyFence, type FenceInfo } from './fences.ts';
import type { ProofHandle } from './integration.ts';
import type { PageBlock } from './page-blocks.ts';
import type { PageProof } from './proof/page-proof.ts';
import { el, outputPanel, stepMark, unverifiedMark } from './proof/step-view.ts';
import { chartFigure, chartSpec } from './proof/chart.ts';
import { loadPageProof } from './site-fs.ts';

interface Parent { children: RootContent[] }

/** An mdast node that becomes the given hast element (remark-rehype honours data.hName/hChildren). */
function fromHast(element: Element): RootContent {
  return {
    type: 'runbookProof',
    data: { hName: element.tagName, hProperties: element.properties, hChildren: element.children },
  } as unknown as RootContent;
}

/** A container around a block; the block itself stays mdast so Expressive Code renders it. */
function wrap(properties: Record<string, unknown>, children: RootContent[]): RootContent {
  return { type: 'runbookBlock', data: { hName: 'div', hProperties: properties }, children } as unknown as RootContent;
}

function notVerifiedAside(reason: string): RootContent {
  return fromHast(el('aside', {
    className: ['starlight-aside', 'starlight-aside--caution', 'runbook-not-verified'],
    ariaLabel: 'Not verified', dataRunbookSkip: reason,
  }, [el('p', {}, [el('strong', {}, ['Not verified:']), ` ${reason}`])]));
}

const ROLE_NOTES: Record<'drill' | 'proof', [string, string]> = {
  drill: ['Drill step:', 'it stages the incident in this sandbox (a fault, sample data). Not a step for your system; left out of the downloadable script.'],
  proof: ['Proof step:', 'how this page checks its own claim (fingerprints, answer keys). Not part of the procedure; left out of the downloadable script.'],
};

/** What a reader must know before copying: the step is not an operator step, or is safe only in a sandbox. */
function readerNotes(info: FenceInfo): RootContent[] {
  const notes: RootContent[] = [];
  if (info.role !== 'operator') {
    const [label, text] = ROLE_NOTES[info.role];
    notes.push(fromHast(el('p', { className: ['rb-role', `rb-role--${info.role}`], dataRbRole: info.role }, [el('strong', {}, [label]), ` ${text}`])));
  }
  if (info.sandboxOnly !== undefined) {
    notes.push(fromHast(el('aside', { className: ['starlight-aside', 'starlight-aside--caution', 'rb-sandbox-only'], ariaLabel: 'Sandbox only' },
      [el('p', {}, [el('strong', {}, ['Sandbox only, not for production as written:']), ` ${info.sandboxOnly}`])])));
  }
  return notes;
}

/** A step block wrapped with its proof, or with a "not verified" mark. */
function stepWithProof(proof: PageProof | undefined, block: PageBlock | undefined, node: Code, info: FenceInfo): RootContent {
  const step = proof && block?.stepIndex !== undefined ? proof.steps[block.stepIndex - 1] : undefined;
  const properties = {
    className: ['rb-step'], dataRbLine: String(block?.line ?? ''),
    dataRbStep: step?.id ?? block?.info.id ?? '', dataRbRole: info.role,
  };
  const notes = readerNotes(info);
  if (!proof) return wrap(properties, [...notes, node]);
  const pageProven = proof.status === 'verified' || proof.status === 'failed';
  // Claim nothing unless the text Expressive Code will render is the text that ran.
  if (!pageProven || !step || step.code !== node.value) {
    return wrap({ ...properties, dataRbStatus: 'unverified' }, [...notes, fromHast(unverifiedMark(proof, !pageProven)), node]);
  }
  const panel = outputPanel(step);
  return wrap({ ...properties, dataRbStatus: step.status }, [...notes, fromHast(stepMark(step)), node, ...(panel ? [fromHast(panel)] : [])]);
}

export default function remarkRunbookBlocks(handle: ProofHandle = {}) {
  return function transformer(tree: Root, file: VFile) {
    const proof = handle.settings ? loadPageProof(handle.settings, file.path) : undefined;
    let fence = 0;
    const walk = (parent: Parent) => {
      for (let index = 0; index < parent.children.length; index++) {
        const node = parent.children[index]!;
        if (node.type !== 'code') {
          if ('children' in node) walk(node as Parent);
          continue;
        }
        const block = proof?.blocks[fence++];
        const info = classifyFence(node.lang, node.meta);
        if (info.kind === 'step' && info.hidden) {
          parent.children.splice(index--, 1);
        } else if (info.kind === 'step') {
          parent.children[index] = stepWithProof(proof, block, node, info);
        } else if (info.kind === 'chart') {
          const where = `${file.path}:${block?.line ?? node.position?.start.line ?? '?'}`;
          parent.children[index] = fromHast(chartFigure(chartSpec(info.attrs, node.value, where), proof, where));
        } else if (info.kind === 'skip') {
          parent.children[index] = wrap(
            { className: ['rb-skipped'], dataRbLine: String(block?.line ?? '') },
            [notVerifiedAside(info.reason ?? ''), node],
          );
        }
      }
    };
    walk(tree);
  };
}
