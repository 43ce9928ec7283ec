/**
 * In the browser: redo each estimate as the reader types a size, and keep the
 * size (one for databases, one for WAL) in localStorage so every step and
 * every page shows the reader's own figure. Two kinds of estimate follow the
 * sizes: the note under a data-sized step (note.ts; the arithmetic is
 * estimate.ts's) and the comparison of methods of a ```estimate fence
 * (compare.ts; the arithmetic is methods.ts's). Either way the function is the
 * one the build used for the first text.
 */
import { estimateText, SIZE_KEYS, type SizeOf } from './estimate.ts';
import { cellText, sizeFrom, type Phase, type Sizes } from './methods.ts';

/** Every size field of the page: a step's note (`data-rb-estimate` holds its rate) or a comparison's. */
const INPUTS = 'input[data-rb-estimate-of]';
const COMPARISONS = 'figure[data-rb-compare]';

function sizeOf(input: HTMLInputElement): SizeOf {
  return input.dataset.rbEstimateOf === 'wal' ? 'wal' : 'database';
}

function renderNote(input: HTMLInputElement): void {
  if (input.dataset.rbEstimate === undefined) return;
  const result = input.closest('.rb-estimate__line')?.querySelector<HTMLElement>('[data-rb-estimate-result]');
  if (!result) return;
  result.textContent = estimateText(sizeFrom(input.value), Number(input.dataset.rbEstimate));
}

function renderComparison(figure: HTMLElement, fallback: Sizes): void {
  const sizes: Sizes = { ...fallback };
  for (const input of figure.querySelectorAll<HTMLInputElement>(INPUTS)) sizes[sizeOf(input)] = sizeFrom(input.value);
  for (const cell of figure.querySelectorAll<HTMLElement>('[data-rb-compare-phases]')) {
    const result = cell.querySelector<HTMLElement>('.rb-compare__result');
    if (!result) continue;
    let phases: Phase[];
    try {
      phases = JSON.parse(cell.dataset.rbComparePhases ?? '[]') as Phase[];
    } catch {
      continue; // the build wrote it; leave its text rather than guess
    }
    result.textContent = cellText(phases, sizes);
  }
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage blocked: the estimate still works, it is only not remembered
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage blocked or full: nothing to remember it in
  }
}

export function setupEstimates(root: ParentNode = document): void {
  const inputs = [...root.querySelectorAll<HTMLInputElement>(INPUTS)];
  const comparisons = [...root.querySelectorAll<HTMLElement>(COMPARISONS)];
  // A comparison without a WAL field (none of its methods replays WAL) still reads the page's WAL size.
  const pageSizes = (): Sizes => {
    const sizes: Sizes = { database: Number.NaN, wal: Number.NaN };
    for (const of of ['database', 'wal'] as const) {
      const input = inputs.find((i) => sizeOf(i) === of);
      sizes[of] = input ? sizeFrom(input.value) : sizeFrom(read(SIZE_KEYS[of]) ?? '');
    }
    return sizes;
  };
  const renderAll = () => {
    for (const input of inputs) renderNote(input);
    const sizes = pageSizes();
    for (const figure of comparisons) renderComparison(figure, sizes);
  };
  for (const input of inputs) {
    const stored = read(SIZE_KEYS[sizeOf(input)]);
    if (stored !== null && stored !== '' && Number.isFinite(Number(stored))) input.value = stored;
    input.addEventListener('input', () => {
      const of = sizeOf(input);
      write(SIZE_KEYS[of], input.value);
      // One size per kind for the whole page: every step and comparison of that kind follows.
      for (const other of inputs) {
        if (other !== input && sizeOf(other) === of) other.value = input.value;
      }
      renderAll();
    });
  }
  renderAll();
}
