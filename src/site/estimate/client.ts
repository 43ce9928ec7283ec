/**
 * In the browser: redo each estimate as the reader types a size, and keep the
 * size (one for databases, one for WAL) in localStorage so every step and
 * every page shows the reader's own figure. The arithmetic is estimate.ts's,
 * the same the build used for the first text.
 */
import { estimateText, SIZE_KEYS, type SizeOf } from './estimate.ts';

const INPUTS = 'input[data-rb-estimate]';

function sizeOf(input: HTMLInputElement): SizeOf {
  return input.dataset.rbEstimateOf === 'wal' ? 'wal' : 'database';
}

function render(input: HTMLInputElement): void {
  const result = input.closest('.rb-estimate__line')?.querySelector<HTMLElement>('[data-rb-estimate-result]');
  if (!result) return;
  const size = input.value.trim() === '' ? Number.NaN : Number(input.value);
  result.textContent = estimateText(size, Number(input.dataset.rbEstimate));
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
  for (const input of inputs) {
    const stored = read(SIZE_KEYS[sizeOf(input)]);
    if (stored !== null && stored !== '' && Number.isFinite(Number(stored))) input.value = stored;
    render(input);
    input.addEventListener('input', () => {
      const of = sizeOf(input);
      write(SIZE_KEYS[of], input.value);
      // One size per kind for the whole page: every step of that kind follows.
      for (const other of inputs) {
        if (other === input || sizeOf(other) !== of) continue;
        other.value = input.value;
        render(other);
      }
      render(input);
    });
  }
}
