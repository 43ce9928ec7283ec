/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser)
/**
 * Incident mode in a real browser (issue 15): on every page with operator
 * steps, "copy all" puts on the clipboard exactly what the report says the
 * shell received for those steps, in order; the switch and the ticks survive
 * a reload; the view prints and fits a phone. The oracle is the report and
 * the harness's parser, never the site's code: the selection rule and the
 * joining rule are written out again here.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunbookReport, StepReport } from '../../src/harness/report/format.ts';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { artifact } from './site-harness.ts';
import type { PageCase } from './site-pages.ts';
import type { SiteCases, SiteContext } from './site-context.ts';

const MODE_KEY = 'proven-runbooks:incident-mode';
const ENV_KEY = 'proven-runbooks:environment';

interface OperatorOracle {
  /** The parser's ids of the operator steps, in page order. */
  ids: string[];
  /** What the report says the shell received for each, from the newest passing run; undefined when no run passed. */
  executed?: string[];
}

/**
 * The steps a reader runs, by the format's rule: shown, `role=operator`,
 * expected to exit 0, no `sandbox-only=`. Read with the harness's parser.
 */
function operatorOracle(c: PageCase): OperatorOracle {
  const { runbook } = parseRunbook(c.source, c.file);
  if (!runbook) throw new Error(`${c.file} does not parse`);
  const steps = runbook.steps.filter((s) => !s.hidden && s.role === 'operator' && s.sandboxOnly === undefined
    && s.exit.kind === 'codes' && s.exit.codes.length === 1 && s.exit.codes[0] === 0);
  const run: RunbookReport | undefined = c.runs.filter((r) => r.status === 'passed').sort((a, b) => a.major - b.major).at(-1);
  const ids = steps.map((s) => s.id);
  if (c.expected !== 'verified' || !run) return { ids };
  const executed = steps.map((s) => {
    const reported: StepReport | undefined = run.steps.find((r) => r.index === s.index && r.line === s.position.line);
    if (!reported || reported.executed === null) throw new Error(`${c.file}:${s.position.line}: no executed text in the report's run on PostgreSQL ${run.major}`);
    return reported.executed;
  });
  return { ids, executed };
}

/** The "copy all" rule, written out again: every step ends with a newline, one blank line between steps. */
const joinSteps = (texts: string[]) => texts.map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('\n');

/** Clicks a button that writes the clipboard and returns what it wrote (the write is asynchronous). */
async function clipboardAfter(page: Page, click: () => Promise<void>): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText('\u0000sentinel'));
  await click();
  return page.evaluate(async () => {
    for (let waited = 0; waited < 3000; waited += 20) {
      const text = await navigator.clipboard.readText();
      if (text !== '\u0000sentinel') return text;
      await new Promise((r) => setTimeout(r, 20));
    }
    return '\u0000sentinel';
  });
}

/** A context of our own: incident mode and ticks live in localStorage, which must not leak into other cases. */
async function freshContext(site: SiteContext, options: Parameters<SiteContext['browser']['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
  return context;
}

const isOn = (page: Page) => page.evaluate(() => document.documentElement.classList.contains('rb-incident-mode'));

export const incidentCases: SiteCases = (site) => {
  const withOperatorSteps = () => site().pages.filter((p) => p.steps.length > 0).map((c) => ({ c, oracle: operatorOracle(c) }))
    .filter(({ oracle }) => oracle.ids.length > 0);
  const byFile = (file: string) => site().pages.find((p) => p.file === file);

  describe('incident mode', () => {
    it('copies exactly the executed operator steps of the report, numbered in page order, on every page', async () => {
      const context = await freshContext(site());
      const page = await context.newPage();
      const fetched: string[] = [];
      page.on('request', (r) => { if (['fetch', 'xhr'].includes(r.resourceType())) fetched.push(r.url()); });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`); });
      let compared = 0;
      for (const { c, oracle } of withOperatorSteps()) {
        await page.goto(site().origin + c.url);
        const toggle = page.locator('#rb-incident-switch');
        expect(await toggle.count(), c.file).toBe(1);
        expect(await page.locator('.rb-incident').isVisible(), `${c.file}: hidden in normal mode`).toBe(false);
        await toggle.check();
        expect(await isOn(page), c.file).toBe(true);
        expect(await page.locator('.rb-incident').isVisible(), c.file).toBe(true);
        // The rest of the page (prose, drill and proof steps) is out of the way.
        expect(await page.locator('.sl-markdown-content').isVisible(), c.file).toBe(false);
        expect(await page.locator('.rb-incident__note').innerText(), c.file).toContain('Turn incident mode off to read the full page');

        const numbered = await page.locator('.rb-incident__step').evaluateAll((items) => items.map((li) => [li.getAttribute('data-rb-number'), li.getAttribute('data-rb-step')]));
        expect(numbered, c.file).toEqual(oracle.ids.map((id, i) => [String(i + 1), id]));
        expect(await page.locator('.rb-incident__num').allInnerTexts(), c.file).toEqual(oracle.ids.map((_, i) => String(i + 1)));

        const copied = await clipboardAfter(page, () => page.locator('[data-rb-copy-all]').click());
        const inPage = await page.locator('template.rb-incident__all').evaluate((t: HTMLTemplateElement) => t.content.textContent);
        expect(copied, c.file).toBe(inPage);
        if (oracle.executed) {
          expect(copied, `${c.file}: copy all = the report's executed operator steps`).toBe(joinSteps(oracle.executed));
          // One step's own copy button gives that step's executed text.
          const last = oracle.executed.length - 1;
          expect(await clipboardAfter(page, () => page.locator('.rb-incident__copy').nth(last).click()), c.file).toBe(oracle.executed[last]);
          compared++;
        } else {
          expect(site().draft, `${c.file} has no passing run, so the build must be a draft`).toBe(true);
        }
        await toggle.uncheck();
        expect(await isOn(page), c.file).toBe(false);
      }
      // Every step was in the HTML: the view never fetches anything.
      expect(fetched).toEqual([]);
      expect(errors).toEqual([]);
      if (!site().draft) expect(compared).toBe(withOperatorSteps().length);
      expect(compared, 'pages compared with the report').toBeGreaterThan(0);
      await context.close();
    });

    it('remembers the switch, the ticks and the reader\'s variables across a reload', async () => {
      const c = byFile('content/pitr/point-in-time-recovery.md') ?? withOperatorSteps()[0]!.c;
      const context = await freshContext(site());
      const page = await context.newPage();
      await page.goto(site().origin + c.url);
      expect(await isOn(page)).toBe(false);
      await page.locator('#rb-incident-switch').check();
      const boxes = page.locator('input[data-rb-done]');
      expect(await boxes.count()).toBeGreaterThan(1);
      await boxes.nth(1).check();
      const required = await page.locator('[data-rb-var]').evaluateAll((items) => items.map((li) => li.getAttribute('data-rb-var')!));
      const variable = required[0];
      if (variable) await page.evaluate(([key, name]) => localStorage.setItem(key!, JSON.stringify({ [name!]: '/srv/from-the-panel' })), [ENV_KEY, variable]);

      await page.reload();
      expect(await isOn(page)).toBe(true);
      expect(await page.locator('#rb-incident-switch').isChecked()).toBe(true);
      expect(await page.locator('.sl-markdown-content').isVisible()).toBe(false);
      const ticked = await boxes.evaluateAll((bs) => bs.map((b) => (b as HTMLInputElement).checked));
      expect(ticked).toEqual(ticked.map((_, i) => i === 1));
      expect(await page.evaluate((k) => localStorage.getItem(k), MODE_KEY)).toBe('1');
      if (variable) expect(await page.locator(`[data-rb-var="${variable}"] [data-rb-value]`).innerText()).toBe('= /srv/from-the-panel');

      // Ticks belong to one page: another page starts with none, and still in incident mode.
      const other = withOperatorSteps().find(({ c: p }) => p.file !== c.file);
      if (other) {
        await page.goto(site().origin + other.c.url);
        expect(await isOn(page)).toBe(true);
        expect(await page.locator('input[data-rb-done]:checked').count()).toBe(0);
        await page.goto(site().origin + c.url);
      }
      await page.locator('#rb-incident-switch').uncheck();
      await page.reload();
      expect(await isOn(page)).toBe(false);
      expect(await page.locator('.rb-incident').isVisible()).toBe(false);
      expect(await page.locator('.sl-markdown-content').isVisible()).toBe(true);
      await context.close();
    });

    it('works without scripts: the steps are in the HTML and the switch alone shows them', async () => {
      const { c, oracle } = withOperatorSteps()[0]!;
      const context = await site().browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(site().origin + c.url);
      expect(await page.locator('.rb-incident').isVisible()).toBe(false);
      await page.locator('#rb-incident-switch').check();
      expect(await page.locator('.rb-incident').isVisible(), c.file).toBe(true);
      expect(await page.locator('.sl-markdown-content').isVisible(), c.file).toBe(false);
      expect(await page.locator('.rb-incident__step').count(), c.file).toBe(oracle.ids.length);
      await context.close();
    });

    it('saves incident mode at desktop and phone widths and in print, without clipping, printing the steps only', async () => {
      const wanted = ['content/pitr/point-in-time-recovery.md', 'content/disaster/lost-server.md', 'content/troubleshooting/disk-full.md'];
      const shots = wanted.map(byFile).filter((p): p is PageCase => p !== undefined);
      expect(shots.map((p) => p.file)).toEqual(wanted);
      for (const c of shots) {
        const name = c.file.replace(/^content\//, '').replace(/\.md$/, '').replace(/\//g, '-');
        for (const [width, height, label] of [[1280, 900, 'desktop'], [390, 844, 'phone']] as const) {
          const context = await freshContext(site(), { viewport: { width, height }, deviceScaleFactor: 1 });
          await context.addInitScript((key) => localStorage.setItem(key, '1'), MODE_KEY);
          const page = await context.newPage();
          await page.goto(site().origin + c.url);
          expect(await isOn(page), c.file).toBe(true);
          await page.screenshot({ path: artifact(`incident-${name}-${label}.png`), fullPage: true });
          const overflow = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
          expect(overflow[0], `${c.file} at ${width} px: scrollWidth ${overflow[0]} > clientWidth ${overflow[1]}`).toBeLessThanOrEqual(overflow[1]!);

          if (label === 'desktop') {
            await page.emulateMedia({ media: 'print' });
            for (const hidden of ['nav.sidebar', 'header.header', '.rb-incident-switch', '.rb-badge', '.rb-env', '.rb-incident__actions', '.sl-markdown-content']) {
              expect(await page.locator(hidden).first().isVisible(), `${c.file}: ${hidden} in print`).toBe(false);
            }
            expect(await page.locator('h1').first().isVisible()).toBe(true);
            for (const shown of ['.rb-incident__verification', '.rb-incident__url', '.rb-incident__step']) {
              expect(await page.locator(shown).first().isVisible(), `${c.file}: ${shown} in print`).toBe(true);
            }
            const style = await page.locator('.rb-incident__code pre').first().evaluate((el) => {
              const s = getComputedStyle(el);
              return [s.whiteSpace, s.overflowWrap];
            });
            expect(style, c.file).toEqual(['pre-wrap', 'anywhere']);
            // A box to tick with a pen, even for a step ticked in this browser.
            await page.locator('input[data-rb-done]').first().evaluate((b: HTMLInputElement) => { b.checked = true; });
            expect(await page.locator('input[data-rb-done]').first().evaluate((b) => getComputedStyle(b).appearance)).toBe('none');
            expect(await page.locator('.rb-incident__url').innerText()).toContain(site().origin + c.url);
            await page.screenshot({ path: artifact(`incident-${name}-print.png`), fullPage: true });
            await page.pdf({ path: artifact(`incident-${name}-print.pdf`), format: 'A4' });
          }
          await context.close();
        }
      }
    });
  });
};
