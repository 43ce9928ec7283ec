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
 *    ```estimate     → methods' backup and recovery times, from the table a
 *    verified step printed, scaled to the reader's sizes (estimate/compare.ts).
 * 5. `output` blocks  → captioned "Expected output" (and how they are compared:
 *    a pattern, an excerpt), so they never pass for captured output.
 *
 * Around each shown step, for reading it (proof/anchors, where, tools,
 * env-line): an anchor `#step-<id>` with a visible link, which host and OS
 * user run it, a download link for the first call of each documented tool,
 * and what the reader's environment values mean for it (filled in by
 * src/site/reader.ts; the step's text itself is never changed).
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
import { el, outputView, stepMark, unverifiedMark } from './proof/step-view.ts';
import { chartFigure, chartSpec } from './proof/chart.ts';
import { stepAnchors, stepId } from './proof/anchors.ts';
import { expectedCaption } from './proof/expected.ts';
import { whereNote } from './proof/where.ts';
import { loadPageProof, readReport } from './site-fs.ts';
import { estimateNote } from './estimate/note.ts';
import { compareFigure, compareSpec } from './estimate/compare.ts';
import { ratesFromReport, THROUGHPUT_FILE, type Rates } from './estimate/throughput.ts';
import { STEP_LANGS } from '../harness/parse/meta.ts';
import { namesExampleDatabase, variablesIn, variablesSetIn, type StepValues, type Variable } from './env-line.ts';
import { readTools, toolHref, toolsIn, type Tool } from './tools.ts';

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

/** What the page knows about a shown step beyond its proof: where to link it, what it needs. */
interface StepExtras {
  anchor: string;
  language: 'bash' | 'sql';
  tools: Tool[];
  values: StepValues;
}

/** `#` link, then host and OS user, above the step. */
function stepHead(info: FenceInfo, extras: StepExtras): RootContent {
  const where = whereNote(info, extras.language);
  return fromHast(el('p', { className: ['rb-step__head', 'not-content'], dataPagefindIgnore: '' }, [
    el('a', { className: ['rb-anchor'], href: `#${extras.anchor}`, ariaLabel: 'Link to this step', title: 'Link to this step' }, ['#']),
    el('span', { className: ['rb-where'], title: where.detail, dataRbDefault: where.isDefault ? 'true' : 'false' }, [
      where.text, ...(where.isDefault ? [el('span', { className: ['rb-where__default'] }, [' (default)'])] : []),
    ]),
  ]));
}

/** Under the step: the documented tools it is the page's first to call, and the slot for the reader's values. */
function stepFoot(extras: StepExtras): RootContent[] {
  const foot: RootContent[] = [];
  if (extras.tools.length > 0) {
    const links = extras.tools.flatMap((tool, i) => [
      ...(i > 0 ? [', '] : []),
      el('code', {}, [tool.name]), ' (', el('a', { href: toolHref(tool), download: tool.name, title: tool.what }, ['download']), ')',
    ]);
    foot.push(fromHast(el('p', { className: ['rb-tools', 'not-content'], dataPagefindIgnore: '' }, ['Uses ', ...links])));
  }
  const { uses, sets, namesExample } = extras.values;
  if (uses.length > 0 || sets.length > 0 || namesExample) {
    foot.push(fromHast(el('p', { className: ['rb-values', 'not-content'], hidden: true, dataPagefindIgnore: '' })));
  }
  return foot;
}

/** A step block wrapped with its proof, or with a "not verified" mark. */
function stepWithProof(proof: PageProof | undefined, block: PageBlock | undefined, node: Code, info: FenceInfo, extras: StepExtras, rates: Rates | undefined): RootContent {
  const step = proof && block?.stepIndex !== undefined ? proof.steps[block.stepIndex - 1] : undefined;
  const properties = {
    className: ['rb-step'], id: extras.anchor, dataRbLine: String(block?.line ?? ''),
    dataRbStep: step?.id ?? block?.info.id ?? '', dataRbRole: info.role, dataRbValues: JSON.stringify(extras.values),
  };
  const head = [stepHead(info, extras), ...readerNotes(info)];
  const foot = stepFoot(extras);
  if (!proof) return wrap(properties, [...head, node, ...foot]);
  const pageProven = proof.status === 'verified' || proof.status === 'failed';
  // Claim nothing unless the text Expressive Code will render is the text that ran.
  if (!pageProven || !step || step.code !== node.value) {
    return wrap({ ...properties, dataRbStatus: 'unverified' }, [...head, fromHast(unverifiedMark(proof, !pageProven)), node, ...foot]);
  }
  const panel = outputView(step);
  // The throughput page's own steps are the measurements, not work to estimate.
  const estimate = rates && info.role === 'operator' && step.status === 'passed' && proof.file !== THROUGHPUT_FILE
    ? estimateNote(step, rates, proof.steps) : undefined;
  return wrap({ ...properties, dataRbStatus: step.status },
    [...head, fromHast(stepMark(step)), node, ...(panel ? [fromHast(panel)] : []), ...(estimate ? [fromHast(estimate)] : []), ...foot]);
}

/** An expected-output block under its caption; the block itself is still Expressive Code's. */
function expectedOutput(node: Code, info: FenceInfo, block: PageBlock | undefined, anchorOf: Map<string, string>): RootContent {
  const caption = expectedCaption(info);
  const forAnchor = caption.forId ? anchorOf.get(caption.forId) : undefined;
  const label = el('p', { className: ['rb-expected__label', 'not-content'], dataPagefindIgnore: '' }, [
    el('strong', {}, [caption.label]),
    ...(caption.how ? [` · ${caption.how}`] : []),
    ...(caption.forId ? [' · of step ', forAnchor ? el('a', { href: `#${forAnchor}` }, [caption.forId]) : caption.forId] : []),
  ]);
  return wrap({ className: ['rb-expected'], dataRbExpected: caption.mode, dataRbStream: caption.stream, dataRbLine: String(block?.line ?? '') },
    [fromHast(label), node]);
}

/**
 * Anchors, tools and variables of the page's shown steps, in page order:
 * which step first calls each tool, and which shown step last set each of
 * the panel's variables before (or at) each step.
 */
function pageExtras(nodes: Code[], tools: Tool[]): { extras: Map<Code, StepExtras>; anchorOf: Map<string, string> } {
  let index = 0;
  const steps = nodes.map((node) => {
    const info = classifyFence(node.lang, node.meta);
    return { node, info, block: info.kind === 'step' ? { info, stepIndex: ++index } : undefined };
  });
  const anchors = stepAnchors(steps.flatMap((s) => (s.block ? [s.block] : [])));
  const extras = new Map<Code, StepExtras>();
  const anchorOf = new Map<string, string>();
  const called = new Set<string>();
  const setBy: StepValues['setBy'] = {};
  for (const { node, info, block } of steps) {
    if (!block) continue;
    const anchor = anchors.get(block.stepIndex)!;
    anchorOf.set(stepId(block), anchor);
    if (info.hidden) continue;
    const sets = variablesSetIn(node.value);
    const before = { ...setBy };
    for (const v of sets) setBy[v as Variable] = anchor;
    const firstCalls = toolsIn(node.value, tools).filter((t) => !called.has(t.path));
    for (const t of firstCalls) called.add(t.path);
    extras.set(node, {
      anchor, language: STEP_LANGS[node.lang ?? ''] ?? 'bash', tools: firstCalls,
      values: { uses: variablesIn(node.value), sets, setBy: before, namesExample: namesExampleDatabase(node.value) },
    });
  }
  return { extras, anchorOf };
}

function codeNodesOf(tree: Root): Code[] {
  const out: Code[] = [];
  const walk = (parent: Parent) => {
    for (const node of parent.children) {
      if (node.type === 'code') out.push(node);
      else if ('children' in node) walk(node as Parent);
    }
  };
  walk(tree);
  return out;
}

export default function remarkRunbookBlocks(handle: ProofHandle = {}) {
  return function transformer(tree: Root, file: VFile) {
    const proof = handle.settings ? loadPageProof(handle.settings, file.path) : undefined;
    const tools = handle.settings ? readTools(handle.settings.root) : [];
    const rates = handle.settings ? ratesFromReport(readReport(handle.settings.reportPath)) : undefined;
    const { extras, anchorOf } = pageExtras(codeNodesOf(tree), tools);
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
          parent.children[index] = stepWithProof(proof, block, node, info, extras.get(node)!, rates);
        } else if (info.kind === 'output') {
          parent.children[index] = expectedOutput(node, info, block, anchorOf);
        } else if (info.kind === 'chart') {
          const where = `${file.path}:${block?.line ?? node.position?.start.line ?? '?'}`;
          parent.children[index] = fromHast(chartFigure(chartSpec(info.attrs, node.value, where), proof, where));
        } else if (info.kind === 'estimate') {
          const where = `${file.path}:${block?.line ?? node.position?.start.line ?? '?'}`;
          parent.children[index] = fromHast(compareFigure(compareSpec(info.attrs, node.value, where), proof, where));
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
