/**
 * The browser side of reading a runbook page: the output panels' version
 * switchers, and the hints under each step for the reader's environment
 * values. Runs from src/components/EnvPanel.astro's script, on pages with
 * shown steps. It never touches a step's text nor what its copy button
 * copies: that stays the text that ran.
 */
import { valueHints, type StepValues } from './env-line.ts';

/** Shows the switcher above each multi-version output, and swaps the version shown on click. */
export function enableVersionSwitchers(root: ParentNode): void {
  for (const view of root.querySelectorAll<HTMLElement>('.rb-outputs')) {
    const switcher = view.querySelector<HTMLElement>('.rb-versions');
    if (!switcher || switcher.dataset.rbReady) continue;
    switcher.dataset.rbReady = 'true';
    switcher.hidden = false;
    const buttons = [...switcher.querySelectorAll<HTMLButtonElement>('button[data-rb-major]')];
    for (const button of buttons) {
      button.addEventListener('click', () => {
        const major = button.dataset.rbMajor!;
        const template = view.querySelector<HTMLTemplateElement>(`template[data-rb-major="${major}"]`);
        const current = view.querySelector<HTMLElement>(':scope > .rb-output');
        const next = template?.content.firstElementChild?.cloneNode(true) as HTMLElement | undefined;
        if (!current || !next) return;
        // Keep the reader's open/closed choice across versions (a failure opens on its own).
        if (current instanceof HTMLDetailsElement && next instanceof HTMLDetailsElement && current.open) next.open = true;
        current.replaceWith(next);
        view.dataset.rbShown = major;
        for (const b of buttons) b.setAttribute('aria-pressed', String(b === button));
      });
    }
  }
}

/** Fills (or empties) the hint under each step from the reader's current values. */
export function showValueHints(root: ParentNode, values: Record<string, string>): void {
  for (const step of root.querySelectorAll<HTMLElement>('.rb-step[data-rb-values]')) {
    const slot = step.querySelector<HTMLElement>(':scope > .rb-values');
    if (!slot) continue;
    let hints: ReturnType<typeof valueHints> = [];
    try {
      hints = valueHints(JSON.parse(step.dataset.rbValues!) as StepValues, values);
    } catch { /* not ours: no hint */ }
    slot.replaceChildren();
    slot.hidden = hints.length === 0;
    for (const [i, hint] of hints.entries()) {
      if (i > 0) slot.append(' · ');
      const part = document.createElement(hint.href ? 'a' : 'span');
      part.textContent = hint.text;
      if (hint.href) part.setAttribute('href', hint.href);
      slot.append(part);
    }
    slot.title = 'From "Your environment" above. The command shows and copies the text that ran: paste your export line first.';
  }
}
