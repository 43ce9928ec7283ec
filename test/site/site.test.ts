/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser)
/**
 * The published site, in a real browser, against a report made for this run.
 *
 * Once per run: verify every runbook (containers when available, else the
 * local sandbox), build the site from that report (strict when every page's
 * proof holds, else a draft, and the draft's pages must then say "not
 * verified"), serve it with `astro preview`, open it in headless Chromium.
 * The expectations come from the report and the harness's own parser, not
 * from the site's code, except the output-trimming rule, which is the site's
 * documented behaviour.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Browser } from 'playwright-core';
import type { Report, RunbookReport, StepReport } from '../../src/harness/report/format.ts';
import { trimOutput } from '../../src/site/proof/trim-output.ts';
import { ARTIFACTS, artifact, buildSite, launchBrowser, preview, ROOT, verifyAll, type Preview } from './site-harness.ts';
import { loadPages, type PageCase } from './site-pages.ts';
import { scriptSteps } from '../../src/site/script.ts';
import type { SiteContext } from './site-context.ts';
import { incidentCases } from './incident-cases.ts';
import { readingCases } from './reading-cases.ts';
import { estimateCases } from './estimate-cases.ts';

let dir: string;
let report: Report;
let pages: PageCase[];
let site: Preview;
let browser: Browser;
let context: BrowserContext;
let draft: boolean;
const timings: Record<string, number> = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rb-site-'));
  let t = performance.now();
  const verified = await verifyAll(dir);
  timings.verifyMs = performance.now() - t;
  report = JSON.parse(readFileSync(verified.reportPath, 'utf8')) as Report;
  pages = loadPages(report);
  // Draft only when this machine could not prove every page (or one failed):
  // the test then checks those pages are shown as not verified or failed.
  draft = pages.some((p) => p.steps.length > 0 && p.expected !== 'verified');
  for (const p of pages.filter((page) => page.steps.length > 0 && page.expected !== 'verified')) {
    const why = p.runs.map((r) => `PG ${r.major} ${r.status}${r.error ? `: ${r.error}` : ''}${r.steps.filter((st) => st.status !== 'passed' && st.status !== 'not-run').map((st) => ` at step "${st.id}" (${st.status}: ${st.failures.map((f) => `expected ${f.expected}, got ${f.actual}`).join('; ')})`).join('')}`);
    console.warn(`site test: ${p.file} is ${p.expected} in this run's report: ${why.join(', ') || 'no run'}`);
  }
  t = performance.now();
  const build = await buildSite(path.join(dir, 'dist'), {
    RUNBOOKS_REPORT: verified.reportPath, RUNBOOKS_CACHE_DIR: path.join(dir, 'cache'), RUNBOOKS_DRAFT: draft ? '1' : '0',
  });
  timings.buildMs = performance.now() - t;
  if (build.exitCode !== 0) throw new Error(`astro build failed (exit ${build.exitCode}):\n${build.output}`);
  site = await preview(path.join(dir, 'dist'));
  browser = await launchBrowser(site.origin);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
  console.info(`site test: ${report.sandbox} sandbox, PostgreSQL ${report.majors.join(', ')}, ${pages.length} pages, `
    + `verify ${(timings.verifyMs / 1000).toFixed(1)} s, build ${(timings.buildMs / 1000).toFixed(1)} s${draft ? ' (draft)' : ''}`);
}, 900_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await site?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(url: string, page?: Page): Promise<Page> {
  const p = page ?? await context.newPage();
  await p.goto(site.origin + url);
  return p;
}

const siteContext = (): SiteContext => ({ report, pages, origin: site.origin, browser, context, draft });
incidentCases(siteContext);
readingCases(siteContext);
estimateCases(siteContext);

const runbookPages = () => pages.filter((p) => p.expected !== 'no-steps');
const newest = (runs: RunbookReport[]) => runs.filter((r) => r.status !== 'skipped').at(-1);
const stepAt = (run: RunbookReport, line: number) => run.steps.find((s) => s.line === line);
/** The oracle for "copy all steps" and the script: the report's executed operator steps, each ending in a newline, a blank line between. */
const operatorCopyAll = (c: PageCase, run: RunbookReport) => c.steps.filter((st) => st.inScript && !st.hidden)
  .map((st) => stepAt(run, st.line)!.executed!).map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('\n');

describe('the proof on each page', () => {
  it('shows a badge under the title that is true to the report', async () => {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const page = await context.newPage();
    for (const c of runbookPages()) {
      await open(c.url, page);
      const badge = page.locator('.rb-badge');
      await expect.poll(() => badge.count(), { message: c.file }).toBe(1);
      const status = await badge.getAttribute('data-rb-status');
      const headline = await badge.locator('.rb-badge__headline').innerText();
      expect(await badge.locator('.rb-badge__commit').innerText(), c.file).toMatch(new RegExp(`^${head}`));
      if (c.expected === 'verified') {
        expect(status, c.file).toBe('verified');
        const passed = c.runs.filter((r) => r.status === 'passed').map((r) => r.major);
        for (const major of passed) expect(headline, c.file).toContain(String(major));
        // A run the harness reused from its cache is dated when it really ran.
        const newestRun = c.runs.filter((r) => r.status !== 'skipped').map((r) => r.reusedFrom ?? report.generatedAt).sort().at(-1);
        expect(await badge.locator('time').getAttribute('datetime')).toBe(newestRun);
        expect(await badge.locator('.rb-badge__duration').innerText()).toContain(`PostgreSQL ${newest(c.runs)!.major}`);
        const rows = await badge.locator('.rb-badge__runs tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-rb-major'), tr.getAttribute('data-rb-status')]));
        expect(rows, c.file).toEqual(c.runs.map((r) => [String(r.major), r.status]));
        // Failover figures: per ack-ledger check step and version, the numbers that run printed; '–' elsewhere.
        const ledger = await badge.locator('.rb-badge__ledger tbody td[data-rb-major]').evaluateAll((tds) => tds
          .map((td) => [td.closest('tr')!.getAttribute('data-rb-step'), td.getAttribute('data-rb-major'), td.textContent!.trim()])
          .filter(([, , text]) => text !== '–'));
        const printed = c.steps.flatMap((st) => c.runs.flatMap((r) => {
          const out = stepAt(r, st.line);
          const m = out?.status === 'passed' && !out.truncated
            && /^acknowledged: (\d+)\n(?:.*\n)*?lost: (\d+)[^\n]*\n(?:.*\n)*?longest gap without an acknowledged commit: ([\d.]+) s/m.exec(out.stdout ?? '');
          return m ? [[out!.id, String(r.major), `${m[2]} of ${m[1]} lost, ${m[3]} s without writes`]] : [];
        }));
        expect(ledger, c.file).toEqual(printed);
      } else {
        expect(status, c.file).toBe(c.expected === 'failed' ? 'failed' : 'unverified');
        expect(headline, c.file).toMatch(/Not verified|Failed/);
      }
      // One machine: a script to download; steps that take turns on several machines: none, and the badge says why.
      const script = page.locator('a.rb-badge__script');
      expect(await script.count(), c.file).toBe(c.visibleSteps > 0 && c.machines === 1 ? 1 : 0);
      expect(await badge.locator('.rb-badge__no-script').count(), c.file).toBe(c.visibleSteps > 0 && c.machines > 1 ? 1 : 0);
    }
    await page.close();
  });

  it('marks every shown step with its status on each PostgreSQL version, and leaves hidden steps out', async () => {
    const page = await context.newPage();
    for (const c of runbookPages()) {
      await open(c.url, page);
      const marks = await page.locator('.rb-step').evaluateAll((els) => els.map((el) => ({
        line: Number(el.getAttribute('data-rb-line')),
        status: el.getAttribute('data-rb-status'),
        runs: [...el.querySelectorAll('.rb-run')].map((r) => [Number(r.getAttribute('data-rb-major')), r.getAttribute('data-rb-status'), r.textContent ?? '']),
      })));
      expect(marks.map((m) => m.line), c.file).toEqual(c.steps.filter((s) => !s.hidden).map((s) => s.line));
      for (const mark of marks) {
        if (c.expected === 'verified' || c.expected === 'failed') {
          const ran = c.runs.filter((r) => r.status !== 'skipped');
          expect(mark.runs.map(([major, status]) => [major, status]), `${c.file}:${mark.line}`)
            .toEqual(ran.map((r) => [r.major, stepAt(r, mark.line)!.status]));
          for (const [major, status, text] of mark.runs) {
            // Timings per step and version, so a reader can estimate a restore.
            if (status !== 'not-run') expect(text, `${c.file}:${mark.line} PG ${major}`).toMatch(/\d+(\.\d)? (ms|s|min)/);
          }
        } else {
          expect(mark.status, `${c.file}:${mark.line}`).toBe('unverified');
          expect(mark.runs).toEqual([]);
        }
      }
      // Blocks shown but never run say so, with the reason.
      const skipped = await page.locator('.rb-skipped .runbook-not-verified').allInnerTexts();
      expect(skipped, c.file).toEqual(c.unverified.map((u) => `Not verified: ${u.reason}`));
    }
    await page.close();
  });

  it('shows the captured output of the newest version below each step, in a panel that opens on click', async () => {
    const page = await context.newPage();
    let checked = 0;
    for (const c of runbookPages().filter((p) => p.expected === 'verified' || p.expected === 'failed')) {
      await open(c.url, page);
      const show = newest(c.runs)!;
      // Open one closed panel per page the way a reader does (by index: a
      // `:not([open])` locator would move on to the next panel once this one opens).
      const all = page.locator('details.rb-output');
      const index = await all.evaluateAll((ds) => ds.findIndex((d) => !(d as HTMLDetailsElement).open));
      if (index >= 0) {
        const closed = all.nth(index);
        expect(await closed.locator('.rb-stream__text').first().isVisible(), c.file).toBe(false);
        await closed.locator('summary').click();
        await expect.poll(() => closed.locator('.rb-stream__text').first().isVisible(), { message: c.file }).toBe(true);
      }
      // Every panel's text (in the DOM whether open or not) against the report.
      const panels = await page.locator('.rb-step').evaluateAll((els) => els.map((el) => ({
        line: Number(el.getAttribute('data-rb-line')),
        major: el.querySelector('.rb-output')?.getAttribute('data-rb-major') ?? null,
        empty: el.querySelector('.rb-output--empty') !== null,
        stdout: el.querySelector('[data-rb-stream="stdout"] .rb-stream__text')?.textContent ?? null,
        stderr: el.querySelector('[data-rb-stream="stderr"] .rb-stream__text')?.textContent ?? null,
      })));
      for (const panel of panels) {
        const reported = stepAt(show, panel.line)!;
        const where = `${c.file}:${panel.line}`;
        if (reported.status === 'not-run') { expect(panel.major, where).toBeNull(); continue; }
        expect(panel.major, where).toBe(String(show.major));
        expect(panel.empty, where).toBe(!reported.stdout && !reported.stderr && reported.failures.length === 0);
        for (const stream of ['stdout', 'stderr'] as const) {
          const text = reported[stream] ?? '';
          if (text === '') { expect(panel[stream], `${where} ${stream}`).toBeNull(); continue; }
          expect(panel[stream], `${where} ${stream}`).toBe(trimOutput(text).text);
          // Short output is shown whole, byte for byte (the final newline ends the last line).
          if (text.split('\n').length <= 41) expect(panel[stream], `${where} ${stream}`).toBe(text.replace(/\n$/, ''));
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    await page.close();
  });
});

describe('copying', () => {
  it('puts on the clipboard exactly the text that was executed, for every block on every page', async () => {
    const page = await context.newPage();
    let copied = 0;
    for (const c of pages) {
      await open(c.url, page);
      const buttons = page.locator('.expressive-code .copy button');
      const expected = c.blocks.filter((b) => !b.hidden);
      expect(await buttons.count(), c.file).toBe(expected.length);
      for (const [i, block] of expected.entries()) {
        await page.evaluate(() => navigator.clipboard.writeText('\u0000sentinel'));
        // The button's own click handler, without Playwright's scrolling and stability waits per
        // button (about 1,000 blocks); that nothing covers a copy button is the phone case's check.
        await buttons.nth(i).dispatchEvent('click');
        // Expressive Code writes the clipboard asynchronously: wait in the page until it changed.
        const clipboard = await page.evaluate(async () => {
          for (let waited = 0; waited < 3000; waited += 20) {
            const text = await navigator.clipboard.readText();
            if (text !== '\u0000sentinel') return text;
            await new Promise((r) => setTimeout(r, 20));
          }
          return '\u0000sentinel';
        });
        const where = `${c.file}:${block.line} (${block.kind})`;
        expect(clipboard, where).toBe(block.text);
        if (block.kind === 'step' && (c.expected === 'verified' || c.expected === 'failed')) {
          for (const run of c.runs.filter((r) => r.status !== 'skipped')) {
            const ran = stepAt(run, block.line)!;
            expect(clipboard, `${where} PG ${run.major}`).toBe(ran.code);
            expectExecutedIs(ran, clipboard, where);
          }
        }
        if (block.kind === 'skip') expect(c.unverified.find((u) => u.line === block.line)?.code, where).toBe(clipboard);
        copied++;
      }
    }
    expect(copied).toBeGreaterThan(20);
    await page.close();
  }, 300_000);
});

/** bash: what ran is the block; sql: the block is the body of the here-document psql read. */
function expectExecutedIs(step: StepReport, copied: string, where: string) {
  if (step.language === 'bash') {
    expect(step.executed, where).toBe(copied);
    return;
  }
  const lines = (step.executed ?? '').split('\n');
  const delimiter = lines.at(-1)!;
  expect(lines[0], where).toMatch(new RegExp(`^psql -X -v ON_ERROR_STOP=1( -d \\S+)? <<'${delimiter}'$`));
  expect(lines.slice(1, -1).join('\n'), where).toBe(copied);
}

describe('finding and following', () => {
  it('finds a runbook with search', async () => {
    const page = await open('/');
    const log: string[] = [];
    page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on('framenavigated', (f) => log.push(`navigated to ${f.url()}`));
    // Starlight builds the Pagefind UI in a requestIdleCallback; a page in the
    // background may never be idle-scheduled.
    await page.bringToFront();
    // The button is enabled by a script; a click before it is wired does nothing, so click until the dialog opens.
    const dialog = page.locator('site-search dialog').first();
    await expect.poll(async () => {
      if (!(await dialog.evaluate((d: HTMLDialogElement) => d.open))) await page.locator('site-search button[data-open-modal]').first().click();
      return dialog.evaluate((d: HTMLDialogElement) => d.open);
    }, { timeout: 10_000 }).toBe(true);
    const input = page.locator('.pagefind-ui__search-input');
    const ready = await input.waitFor({ timeout: 20_000 }).then(() => true, () => false);
    if (!ready) await page.screenshot({ path: artifact('site-search-failure.png') });
    expect(ready, `Pagefind UI never appeared at ${page.url()}; search containers: ${await page.locator('#starlight__search').count()}; console: ${log.join(' | ')}`).toBe(true);
    await input.fill('pg_dump');
    const results = page.locator('.pagefind-ui__result-link');
    await expect.poll(() => results.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const hrefs = await results.evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    expect(hrefs.some((h) => pages.some((p) => p.url === h && p.expected !== 'no-steps'))).toBe(true);
    await page.close();
  });

  it('has no broken internal links and no console errors on any page', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    const seen = new Set<string>(['/']);
    const queue = ['/'];
    const broken: string[] = [];
    while (queue.length > 0) {
      const url = queue.shift()!;
      const response = await page.goto(site.origin + url);
      if (response?.status() !== 200) { broken.push(`${url} → ${response?.status()}`); continue; }
      if (!(response.headers()['content-type'] ?? '').includes('text/html')) continue;
      const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const link of links) {
        const target = new URL(link);
        if (target.origin !== site.origin) continue;
        const key = target.pathname;
        if (seen.has(key)) continue;
        seen.add(key);
        if (key.endsWith('.sh') || key.startsWith('/tools/')) {
          const res = await page.request.get(site.origin + key);
          if (res.status() !== 200) broken.push(`${key} → ${res.status()} (from ${url})`);
        } else {
          queue.push(key);
        }
      }
    }
    expect(broken).toEqual([]);
    expect(errors).toEqual([]);
    for (const c of pages) expect(seen.has(c.url), `${c.url} is linked from somewhere`).toBe(true);
    expect(seen.has('/matrix/')).toBe(true);
    await page.close();
  });
});

describe('for operators', () => {
  it('offers each runbook as a script: operator steps in order, SQL through psql, skipped blocks commented out', async () => {
    for (const c of runbookPages().filter((p) => p.visibleSteps > 0)) {
      const res = await fetch(`${site.origin}/scripts${c.url.replace(/\/$/, '')}.sh`);
      // Steps that take turns on several machines are never one script (src/site/script.ts: noScriptReason).
      if (c.machines > 1) {
        expect(res.status, c.file).toBe(404);
        continue;
      }
      expect(res.status, c.file).toBe(200);
      const script = await res.text();
      expect(script.startsWith('#!/usr/bin/env bash\n'), c.file).toBe(true);
      expect(script).toContain('\nset -Eeuo pipefail\n');
      expect(script).toContain(c.file);
      let at = 0;
      for (const step of c.steps) {
        const text = step.language === 'sql' ? `<<'SQL'\n${step.code}\nSQL` : step.code;
        const found = script.indexOf(text, at);
        if (!step.inScript) {
          // Set-up, drills, proofs and failures on purpose never appear as commands (their text may be part of an operator step's).
          const live = script.split('\n').filter((l) => !l.startsWith('#')).join('\n');
          if (!c.steps.some((s) => s.inScript && s.code.includes(step.code))) expect(live.includes(step.code), `${c.file}:${step.line} left out`).toBe(false);
          continue;
        }
        expect(found, `${c.file}:${step.line} in order`).toBeGreaterThanOrEqual(at);
        at = found + text.length;
      }
      for (const u of c.unverified) expect(script, c.file).toContain(u.code.split('\n').map((l) => (l ? `# ${l}` : '#')).join('\n'));
      const file = path.join(dir, 'check.sh');
      writeFileSync(file, script);
      execFileSync('bash', ['-n', file]); // it parses
      // Without its own lines (header, labels, rb_step=, confirmations), the script is the
      // executed operator steps of the report, joined like "copy all steps": byte for byte.
      const run = newest(c.runs.filter((r) => r.status === 'passed'));
      if (c.expected === 'verified' && run) expect(scriptSteps(script), c.file).toBe(operatorCopyAll(c, run));
    }
  });

  it('writes the environment line from the reader\'s values, keeps them in this browser, and sends nothing', async () => {
    const c = runbookPages().find((p) => p.visibleSteps > 0)!;
    const page = await open(c.url);
    const requests: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith(site.origin)) requests.push(r.url()); });
    const panel = page.locator('details.rb-env');
    await panel.locator('summary').click();
    await panel.locator('input[name=PGHOST]').fill('db1.internal');
    await panel.locator('input[name=PGPORT]').fill('5433');
    await panel.locator('input[name=PGDATABASE]').fill('app db');
    await panel.locator('input[name=BACKUP_DIR]').fill('/srv/backups');
    const line = "export PGHOST=db1.internal PGPORT=5433 PGDATABASE='app db' BACKUP_DIR=/srv/backups";
    expect(await panel.locator('.rb-env__line').innerText()).toBe(line);
    await page.reload();
    expect(await page.locator('details.rb-env').evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
    expect(await page.locator('.rb-env__line').innerText()).toBe(line);
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await page.locator('.rb-env__copy').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(line);
    expect(requests).toEqual([]);
    await page.evaluate(() => localStorage.clear());
    await page.close();
  });

  it('prints without navigation, with commands wrapped and output panels open', async () => {
    const c = runbookPages().find((p) => p.expected === 'verified' && p.steps.some((s) => !s.hidden && newest(p.runs) && stepAt(newest(p.runs)!, s.line)?.stdout))
      ?? runbookPages()[0]!;
    const page = await open(c.url);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav.sidebar').isVisible()).toBe(false);
    expect(await page.locator('site-search').first().isVisible()).toBe(false);
    const firstOutput = page.locator('details.rb-output .rb-stream__text').first();
    if (await firstOutput.count()) expect(await firstOutput.isVisible()).toBe(true);
    const wrap = await page.locator('.expressive-code pre').first().evaluate((el) => getComputedStyle(el).whiteSpace);
    expect(wrap).toBe('pre-wrap');
    await page.pdf({ path: artifact('site-print.pdf'), format: 'A4' });
    await page.close();
  });
});

describe('the build refuses to publish a lie', () => {
  it('fails, naming the page, when a command was altered after verification; a draft marks it not verified', async () => {
    const target = pages.find((p) => p.expected === 'verified' && p.visibleSteps > 0);
    expect(target, 'a verified page to alter').toBeDefined();
    const step = target!.steps.find((s) => !s.hidden && s.language === 'bash')!;
    const copy = path.join(dir, 'altered', 'content');
    cpSync(path.join(ROOT, 'content'), copy, { recursive: true });
    const file = path.join(copy, path.relative('content', target!.file));
    const source = readFileSync(file, 'utf8');
    writeFileSync(file, source.replace(step.code, `${step.code} --altered`));
    const env = { RUNBOOKS_REPORT: path.join(dir, 'report.json'), RUNBOOKS_CONTENT: copy, RUNBOOKS_CACHE_DIR: path.join(dir, 'cache-altered') };

    const strict = await buildSite(path.join(dir, 'dist-altered'), { ...env, RUNBOOKS_DRAFT: '0' });
    expect(strict.exitCode, strict.output).not.toBe(0);
    expect(strict.output).toContain(`${target!.file}: the page changed after it was verified`);
    expect(strict.output).not.toContain('generating static routes');

    const drafted = await buildSite(path.join(dir, 'dist-altered'), { ...env, RUNBOOKS_DRAFT: '1' });
    expect(drafted.exitCode, drafted.output).toBe(0);
    const html = readFileSync(path.join(dir, 'dist-altered', target!.url, 'index.html'), 'utf8');
    expect(html).toMatch(/class="rb-badge not-content" data-rb-status="unverified"/);
    expect(html).not.toMatch(/class="rb-step" [^>]*data-rb-status="passed"/);
    expect(html).toContain('Not verified: the page changed after it was verified');
  }, 120_000);
});

describe('screenshots', () => {
  it('draws each chart from the table its step printed in the report, bar for bar', async () => {
    const charted = runbookPages().filter((p) => p.blocks.some((b) => b.kind === 'chart'));
    expect(charted.map((p) => p.file)).toContain('content/reference/throughput.md');
    for (const page of charted) {
      // The chart fences as the Markdown parser sees them (not one quoted inside a longer fence).
      const lines = page.source.split('\n');
      const fences = page.blocks.filter((b) => b.kind === 'chart').map((b) => {
        const opener = lines[b.line - 1]!;
        return { step: /\bstep=(\S+)/.exec(opener)![1]!, value: /\bvalue=(\S+)/.exec(opener)![1]! };
      });
      const p = await open(page.url);
      const charts = await p.locator('figure.rb-chart').evaluateAll((figures) => figures.map((f) => ({
        step: f.getAttribute('data-rb-chart'),
        values: [...f.querySelectorAll('.rb-chart__value')].map((v) => v.textContent ?? ''),
        widths: [...f.querySelectorAll<HTMLElement>('.rb-chart__bar')].map((b) => b.style.width),
      })));
      expect(charts.map((c) => c.step), page.file).toEqual(fences.map((f) => f.step));
      const run = newest(page.runs.filter((r) => r.status === 'passed'));
      for (const [i, fence] of fences.entries()) {
        if (page.expected !== 'verified' || !run) {
          expect(charts[i]!.values, `${page.file}: no figures without a verified run`).toEqual([]);
          continue;
        }
        const table = run.steps.find((st) => st.id === fence.step)!.stdout!.split('\n').filter((l) => l && !l.startsWith('#'));
        const column = table[0]!.split('\t').indexOf(fence.value);
        const numbers = table.slice(1).map((l) => Number(l.split('\t')[column])).filter(Number.isFinite);
        expect(charts[i]!.values.map((v) => Number.parseFloat(v)), `${page.file} ${fence.step}`)
          .toEqual(numbers.map((n) => Number.parseFloat(n.toFixed(n >= 100 ? 0 : n >= 10 ? 1 : 2))));
        const max = Math.max(...numbers);
        expect(charts[i]!.widths.map((w) => Number.parseFloat(w)), `${page.file} ${fence.step}`)
          .toEqual(numbers.map((n) => Number(((n / max) * 100).toFixed(1))));
      }
      await p.close();
    }
  });

  it('saves the key pages at desktop and phone widths', async () => {
    const runbook = runbookPages().find((p) => p.file.endsWith('plain-sql-dump.md')) ?? runbookPages()[0]!;
    for (const [width, height, name] of [[1280, 900, 'desktop'], [390, 844, 'phone']] as const) {
      for (const scheme of ['dark', 'light'] as const) {
        const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: scheme, deviceScaleFactor: 1 });
        const page = await ctx.newPage();
        await page.goto(`${site.origin}/`);
        await page.screenshot({ path: artifact(`site-${name}-${scheme}-home.png`) });
        await page.goto(site.origin + runbook.url);
        await page.screenshot({ path: artifact(`site-${name}-${scheme}-runbook-top.png`) });
        const panel = page.locator('details.rb-output').first();
        await panel.locator('summary').click();
        await panel.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 260));
        await page.screenshot({ path: artifact(`site-${name}-${scheme}-runbook-step.png`) });
        await page.goto(`${site.origin}/matrix/`);
        await page.screenshot({ path: artifact(`site-${name}-${scheme}-matrix.png`), fullPage: true });
        await ctx.close();
      }
    }
    expect(ARTIFACTS).toBeTruthy();
  });
});
