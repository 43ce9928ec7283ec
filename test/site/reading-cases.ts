/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser)
/**
 * Reading a runbook as a new reader does (issue 15, "what a browser check
 * found"), in Chromium against site.test.ts's build: expected output is
 * labelled as such, a step that fails on purpose says so, steps have
 * anchors, every version's output can be shown, the environment panel's
 * values reach the steps without changing what is copied, the tools the
 * pages call are served, each step says where it runs, phones neither clip
 * nor scroll sideways, and the proof's text is readable in both themes.
 * Expectations come from the report and the harness's parser.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import type { RunbookReport } from '../../src/harness/report/format.ts';
import { trimOutput } from '../../src/site/proof/trim-output.ts';
import { artifact, ROOT } from './site-harness.ts';
import type { SiteCases, SiteContext } from './site-context.ts';
import type { PageCase } from './site-pages.ts';

const proven = (p: PageCase) => p.expected === 'verified' || p.expected === 'failed';
const ran = (p: PageCase) => p.runs.filter((r) => r.status !== 'skipped');
const stepAt = (run: RunbookReport, line: number) => run.steps.find((s) => s.line === line)!;

/** WCAG contrast of every text of the proof's elements against the background it is drawn on. */
function contrasts(page: Page): Promise<{ where: string; text: string; ratio: number }[]> {
  return page.evaluate(() => {
    type Rgba = { r: number; g: number; b: number; a: number };
    const parse = (c: string): Rgba | null => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return null;
      const p = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r: p[0]!, g: p[1]!, b: p[2]!, a: p.length > 3 ? p[3]! : 1 };
    };
    const lum = ({ r, g, b }: Rgba) => {
      const f = (v: number) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const over = (top: Rgba, under: Rgba): Rgba => ({
      r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1,
    });
    // The first opaque background up the tree, with any translucent ones above it composed on top.
    const background = (el: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
      }
      return layers.reverse().reduce((bg, layer) => over(layer, bg), { r: 255, g: 255, b: 255, a: 1 });
    };
    const roots = '.rb-badge, .rb-mark, .rb-step__head, .rb-expected__label, .rb-versions, .rb-tools, .rb-values, .rb-output > summary, .rb-output--empty, .rb-matrix, .rb-role';
    const out: { where: string; text: string; ratio: number }[] = [];
    for (const root of document.querySelectorAll(roots)) {
      for (const el of [root, ...root.querySelectorAll('*')]) {
        if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())) continue;
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden' || el.closest('[hidden]')) continue;
        const bg = background(el);
        const color = parse(style.color)!;
        const fg = over({ ...color, a: color.a * Number(style.opacity) }, bg);
        const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        out.push({ where: `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`, text: el.textContent!.trim().slice(0, 40), ratio: (hi! + 0.05) / (lo! + 0.05) });
      }
    }
    return out;
  });
}

export const readingCases: SiteCases = (site: () => SiteContext) => {
  const open = async (url: string, page?: Page) => {
    const p = page ?? await site().context.newPage();
    await p.goto(site().origin + url);
    return p;
  };
  const runbooks = () => site().pages.filter((p) => p.expected !== 'no-steps');

  describe('reading a runbook', () => {
    it('labels every expected-output block "Expected output", and says when it is a pattern, an excerpt or some lines', async () => {
      const page = await site().context.newPage();
      let regex = 0;
      for (const c of runbooks()) {
        const { runbook } = parseRunbook(c.source, c.file);
        const shown = runbook!.steps.flatMap((s) => s.expectations.filter((e) => e.shown).map((e) => ({ line: e.position.line, mode: e.mode, stream: e.stream })))
          .sort((a, b) => a.line - b.line);
        if (shown.length === 0) continue;
        await open(c.url, page);
        const blocks = await page.locator('.rb-expected').evaluateAll((els) => els.map((el) => ({
          line: Number(el.getAttribute('data-rb-line')), mode: el.getAttribute('data-rb-expected'), stream: el.getAttribute('data-rb-stream'),
          label: el.querySelector('.rb-expected__label')?.textContent ?? '', hasCode: el.querySelector('.expressive-code') !== null,
        })));
        expect(blocks.map(({ line, mode, stream }) => ({ line, mode, stream })), c.file).toEqual(shown);
        for (const b of blocks) {
          const where = `${c.file}:${b.line}`;
          expect(b.hasCode, where).toBe(true);
          expect(b.label, where).toMatch(/^Expected (error )?output/);
          if (b.mode === 'regex') { expect(b.label, where).toContain('a pattern (regular expression)'); regex++; }
          if (b.mode === 'contains') expect(b.label, where).toContain('the output contains this text');
          if (b.mode === 'lines') expect(b.label, where).toContain('these lines, in this order');
          if (b.mode === 'exact') expect(b.label, where).not.toMatch(/pattern|excerpt/);
        }
      }
      expect(regex, 'pages with a match=regex block').toBeGreaterThan(0);
      await page.close();
    });

    it('says "Failed as expected (exit N)" over a step that passed by failing, and "Ran and passed" only over one that exited 0', async () => {
      const page = await site().context.newPage();
      let failing = 0;
      for (const c of runbooks().filter(proven)) {
        await open(c.url, page);
        const marks = await page.locator('.rb-step').evaluateAll((els) => els.map((el) => ({
          line: Number(el.getAttribute('data-rb-line')), label: el.querySelector('.rb-mark__status')?.textContent?.trim() ?? '',
        })));
        for (const mark of marks) {
          const runs = ran(c).map((r) => stepAt(r, mark.line)).filter((s) => s.status !== 'not-run');
          const where = `${c.file}:${mark.line}`;
          if (runs.length === 0 || runs.some((s) => s.status !== 'passed')) continue;
          const codes = [...new Set(runs.map((s) => s.exitCode))];
          if (codes.every((code) => code !== 0)) {
            expect(mark.label, where).toBe(`✓ Failed as expected (exit ${codes.join(' or ')})`);
            failing++;
          } else if (codes.length === 1) {
            expect(mark.label, where).toBe('✓ Ran and passed');
          }
        }
      }
      expect(failing, 'steps that fail on purpose').toBeGreaterThan(0);
      await page.close();
    });

    it('gives every shown step a unique #step-<id> anchor with a visible link, and says which host and OS user run it', async () => {
      const page = await site().context.newPage();
      for (const c of runbooks().filter((p) => p.visibleSteps > 0)) {
        await open(c.url, page);
        const steps = await page.locator('.rb-step').evaluateAll((els) => els.map((el) => ({
          id: el.id, step: el.getAttribute('data-rb-step'), line: Number(el.getAttribute('data-rb-line')),
          link: el.querySelector('.rb-step__head a.rb-anchor')?.getAttribute('href') ?? null,
          linkVisible: (el.querySelector('.rb-step__head a.rb-anchor')?.getBoundingClientRect().width ?? 0) > 0,
          where: el.querySelector('.rb-where')?.textContent ?? '',
        })));
        const ids = steps.map((s) => s.id);
        expect(new Set(ids).size, c.file).toBe(ids.length);
        expect(await page.evaluate((all) => all.filter((id) => document.querySelectorAll(`[id="${id}"]`).length !== 1), ids), c.file).toEqual([]);
        const { runbook } = parseRunbook(c.source, c.file);
        for (const s of steps) {
          const where = `${c.file}:${s.line}`;
          const parsed = runbook!.steps.find((p) => p.position.line === s.line)!;
          expect(s.id, where).toBe(/^step-\d+$/.test(parsed.id) ? parsed.id : `step-${parsed.id}`);
          expect([s.link, s.linkVisible], where).toEqual([`#${s.id}`, true]);
          const attrs = /\bon=("[^"]*"|\S+)|\bas=("[^"]*"|\S+)/.test(parsed.meta);
          if (!attrs) {
            expect(s.where, where).toBe(parsed.language === 'sql' ? 'psql · as a database superuser (default)' : 'database host · postgres OS user (default)');
          } else {
            expect(s.where, where).not.toContain('(default)');
          }
        }
      }
      // Following a link to a step lands on it, below the fixed header.
      const c = runbooks().find((p) => p.visibleSteps > 2)!;
      await open(c.url, page);
      const third = await page.locator('.rb-step').nth(2).getAttribute('id');
      await page.goto(`${site().origin}${c.url}#${third}`);
      await expect.poll(() => page.locator(`#${third}`).evaluate((el) => {
        const top = el.getBoundingClientRect().top;
        return top >= (document.querySelector('header')?.getBoundingClientRect().bottom ?? 0) - 1 && top < innerHeight / 2;
      }), { message: `${c.file}#${third}` }).toBe(true);
      await page.close();
    });

    it('switches a step\'s output between the versions that ran, the newest failed (else newest) first', async () => {
      const page = await site().context.newPage();
      let switched = 0;
      for (const c of runbooks().filter(proven)) {
        await open(c.url, page);
        const steps = page.locator('.rb-step');
        const count = await steps.count();
        for (let i = 0; i < count; i++) {
          const step = steps.nth(i);
          const line = Number(await step.getAttribute('data-rb-line'));
          const where = `${c.file}:${line}`;
          const versions = ran(c).filter((r) => stepAt(r, line).status !== 'not-run');
          const buttons = step.locator('.rb-versions button');
          if (versions.length < 2) { expect(await buttons.count(), where).toBe(0); continue; }
          const failed = versions.filter((r) => ['failed', 'timed-out'].includes(stepAt(r, line).status));
          const first = (failed.at(-1) ?? versions.at(-1))!.major;
          expect(await step.locator('.rb-outputs > .rb-output').getAttribute('data-rb-major'), where).toBe(String(first));
          expect(await buttons.evaluateAll((bs) => bs.map((b) => b.textContent)), where).toEqual(versions.map((r) => `PG ${r.major}`));
          if (switched > 12) continue; // a dozen clicks prove the switch; the rest is the same code
          for (const [n, run] of versions.entries()) {
            await buttons.nth(n).click();
            const live = step.locator('.rb-outputs > .rb-output');
            await expect.poll(() => live.getAttribute('data-rb-major'), { message: where }).toBe(String(run.major));
            const stdout = stepAt(run, line).stdout ?? '';
            const shownText = await live.locator('[data-rb-stream="stdout"] .rb-stream__text').evaluateAll((e) => e[0]?.textContent ?? null);
            expect(shownText, `${where} PG ${run.major}`).toBe(stdout === '' ? null : trimOutput(stdout).text);
            expect(await buttons.nth(n).getAttribute('aria-pressed'), where).toBe('true');
            switched++;
          }
        }
      }
      if (site().report.majors.length > 1) expect(switched, 'outputs switched between versions').toBeGreaterThan(0);
      await page.close();
    });

    it('serves each documented tool a step calls, byte for byte, linked from the first step that calls it', async () => {
      const page = await site().context.newPage();
      const linked = new Set<string>();
      for (const c of runbooks().filter((p) => p.visibleSteps > 0 && /pg-fingerprint|dir-fingerprint|wal-archive-check|archive-wal/.test(p.source))) {
        await open(c.url, page);
        const notes = await page.locator('.rb-step').evaluateAll((els) => els.map((el) => ({
          line: Number(el.getAttribute('data-rb-line')),
          tools: [...el.querySelectorAll('.rb-tools a')].map((a) => a.getAttribute('href')!),
        })));
        const hrefs = notes.flatMap((n) => n.tools);
        expect(new Set(hrefs).size, `${c.file}: each tool linked once`).toBe(hrefs.length);
        const shown = c.steps.filter((s) => !s.hidden);
        for (const tool of ['pg-fingerprint', 'pg-fingerprint-diff', 'dir-fingerprint', 'wal-archive-check']) {
          const call = new RegExp(`(^|[\\s;&|(])${tool}(?=$|[\\s;&|)])`, 'm');
          const first = shown.find((s) => call.test(s.code));
          const note = notes.find((n) => n.tools.includes(`/tools/${tool}`));
          expect(note?.line, `${c.file}: ${tool} linked at its first call`).toBe(first?.line);
          if (first) linked.add(tool);
        }
      }
      expect(linked.has('pg-fingerprint')).toBe(true);
      for (const tool of ['pg-fingerprint', 'pg-fingerprint-diff', 'dir-fingerprint', 'wal-archive-check', 'archive-wal']) {
        const res = await fetch(`${site().origin}/tools/${tool}`);
        expect(res.status, tool).toBe(200);
        expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(path.join(ROOT, 'scripts', tool))), tool).toBe(true);
      }
      expect((await fetch(`${site().origin}/tools/runbooks.mjs`)).status, 'machinery is not served').toBe(404);
      await page.close();
    });
  });

  describe('the reader\'s environment', () => {
    it('shows under each step the value it will take, while the copy button still copies exactly what ran', async () => {
      // A page that uses the variable and never sets it itself (else the page's value wins, and the hint says so).
      const fits = (p: PageCase, v: string) => proven(p) && p.steps.some((s) => !s.hidden && new RegExp(`\\$\\{?${v}\\b`).test(s.code))
        && !p.steps.some((s) => new RegExp(`^\\s*(export\\s+)?${v}=`, 'm').test(s.code));
      const variable = runbooks().some((p) => fits(p, 'PGDATA')) ? 'PGDATA' : 'BACKUP_DIR';
      const c = runbooks().find((p) => fits(p, variable))!;
      const page = await open(c.url);
      const panel = page.locator('details.rb-env');
      await panel.locator('summary').click();
      for (const name of ['PGDATA', 'SERVER_LOG', 'ARCHIVE']) expect(await panel.locator(`input[name=${name}]`).count(), name).toBe(1);
      await panel.locator(`input[name=${variable}]`).fill('/srv/my data');
      expect(await panel.locator('.rb-env__line').innerText()).toBe(`export ${variable}='/srv/my data'`);
      const steps = await page.locator('.rb-step').evaluateAll((els, v) => els.map((el) => ({
        line: Number(el.getAttribute('data-rb-line')),
        hint: (el.querySelector(':scope > .rb-values') as HTMLElement | null)?.hidden === false ? el.querySelector(':scope > .rb-values')!.textContent : null,
        uses: new RegExp(`\\$\\{?${v}\\b`).test(el.querySelector('.expressive-code button[data-code]')?.getAttribute('data-code') ?? ''),
      })), variable);
      const using = steps.filter((s) => s.uses);
      expect(using.length, c.file).toBeGreaterThan(0);
      // The first step that uses it takes the reader's value (no step of this page set it before).
      expect(using[0]!.hint, `${c.file}:${using[0]!.line}`).toContain(`With your values: ${variable}='/srv/my data'`);
      for (const s of steps.filter((x) => !x.uses)) expect(s.hint ?? '', `${c.file}:${s.line}`).not.toContain(`${variable}=`);
      // What is copied is still the text that ran, values or not.
      const index = steps.indexOf(using[0]!);
      await page.evaluate(() => navigator.clipboard.writeText('\u0000sentinel'));
      await page.locator('.rb-step').nth(index).locator('.expressive-code .copy button').click();
      const copied = await page.evaluate(async () => {
        for (let waited = 0; waited < 3000; waited += 20) {
          const text = await navigator.clipboard.readText();
          if (text !== '\u0000sentinel') return text;
          await new Promise((r) => setTimeout(r, 20));
        }
        return '\u0000sentinel';
      });
      for (const run of ran(c)) expect(copied, `${c.file}:${using[0]!.line}`).toBe(stepAt(run, using[0]!.line).code);
      // Emptied, the hints go.
      await panel.locator(`input[name=${variable}]`).fill('');
      expect(await page.locator('.rb-step > .rb-values:not([hidden])').count()).toBe(0);
      await page.evaluate(() => localStorage.clear());
      await page.close();
    });

    it('says the pages use appdb as the example database, and links the steps of the page that name it', async () => {
      const c = runbooks().find((p) => p.file.endsWith('plain-sql-dump.md')) ?? runbooks().find((p) => p.steps.some((s) => !s.hidden && /\bappdb\b/.test(s.code)))!;
      const page = await open(c.url);
      const note = page.locator('.rb-env__example');
      expect((await note.textContent())?.replace(/\s+/g, ' ')).toContain('The pages use appdb as the example database');
      const targets = await note.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
      const naming = c.steps.filter((s) => !s.hidden && /(?<![\w-])appdb(?![\w-])/.test(s.code)).map((s) => s.line);
      expect(targets.length, c.file).toBe(naming.length);
      const lines = await page.evaluate((hrefs) => hrefs.map((h) => Number(document.querySelector(h)?.getAttribute('data-rb-line'))), targets);
      expect(lines, c.file).toEqual(naming);
      await page.close();
    });
  });

  describe('on a phone and in both themes', () => {
    it('neither clips, covers code nor scrolls sideways at 390 px', async () => {
      const runbook = runbooks().find((p) => p.file.endsWith('plain-sql-dump.md')) ?? runbooks()[0]!;
      const ctx = await site().browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, hasTouch: true, isMobile: true });
      const page = await ctx.newPage();
      for (const url of [runbook.url, '/matrix/']) {
        await page.goto(site().origin + url);
        await page.evaluate(() => { for (const d of document.querySelectorAll<HTMLDetailsElement>('details.rb-badge__runs')) d.open = true; });
        const width = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, client: document.scrollingElement!.clientWidth }));
        expect(width.scroll, `${url}: the page scrolls sideways`).toBeLessThanOrEqual(width.client);
        // Nothing of the proof runs past the screen's edge, where overflow would hide it.
        const clipped = await page.evaluate(() => [...document.querySelectorAll('.rb-badge *, .rb-matrix-wrap, .rb-step__head, .rb-mark')]
          .filter((el) => el.getBoundingClientRect().right > document.scrollingElement!.clientWidth + 0.5)
          .map((el) => `${el.tagName}.${el.className}`));
        expect(clipped, url).toEqual([]);
        await page.screenshot({ path: artifact(`reading-phone-${url === '/matrix/' ? 'matrix' : 'runbook'}.png`), fullPage: url !== '/matrix/' });
      }
      // The copy button sits clear of the code it copies.
      await page.goto(site().origin + runbook.url);
      const overlaps = await page.locator('.rb-step .expressive-code').evaluateAll((frames) => frames.filter((frame) => {
        const button = frame.querySelector('.copy button')?.getBoundingClientRect();
        if (!button || button.width === 0) return false;
        return [...frame.querySelectorAll('.ec-line')].some((line) => {
          const text = line.querySelector('.code')?.getBoundingClientRect() ?? line.getBoundingClientRect();
          return text.top < button.bottom && text.bottom > button.top && text.left < button.right && text.right > button.left;
        });
      }).length);
      expect(overlaps).toBe(0);
      await ctx.close();
    });

    it('keeps the proof\'s text at 4.5:1 contrast or more, dark and light', async () => {
      const runbook = runbooks().find((p) => p.file.endsWith('plain-sql-dump.md')) ?? runbooks()[0]!;
      const others = (['failed', 'unverified'] as const).flatMap((k) => runbooks().filter((p) => p.expected === k).slice(0, 1));
      const low: string[] = [];
      let measured = 0;
      for (const scheme of ['dark', 'light'] as const) {
        const ctx = await site().browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
        const page = await ctx.newPage();
        for (const url of [runbook.url, '/matrix/', ...others.map((p) => p.url)]) {
          await page.goto(site().origin + url);
          await page.evaluate(() => { for (const d of document.querySelectorAll<HTMLDetailsElement>('details.rb-badge__runs, details.rb-output')) d.open = true; });
          for (const c of await contrasts(page)) {
            measured++;
            if (c.ratio < 4.5) low.push(`${scheme} ${url} ${c.where} "${c.text}": ${c.ratio.toFixed(2)}`);
          }
        }
        await ctx.close();
      }
      expect(measured).toBeGreaterThan(50);
      expect([...new Set(low)]).toEqual([]);
    });
  });
};
