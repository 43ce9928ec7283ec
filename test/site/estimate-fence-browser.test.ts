/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser)
/**
 * A ```estimate fence in a real browser: a small stand-in content directory
 * (a page whose step measured three methods, and a page whose step never ran)
 * is built with `astro build` against a report written here, served with
 * `astro preview` and opened in headless Chromium. Nothing is verified, so
 * this file takes a build's time, not the guide's. The expected times are
 * worked out here from the fixture's table; the words ("about 8.7 min") are
 * formatEstimate's documented rounding.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { Report, RunbookReport } from '../../src/harness/report/format.ts';
import { sha256 } from '../../src/site/proof/page-proof.ts';
import { DEFAULT_SIZE_GB, ESTIMATE_CAVEAT, formatEstimate } from '../../src/site/estimate/estimate.ts';
import { artifact, buildSite, launchBrowser, preview, type Preview } from './site-harness.ts';
import { METHODS_TABLE_LINES } from './estimate-fence-table.ts';

const SIZE_KEY = 'proven-runbooks:size-gb';
const WAL_KEY = 'proven-runbooks:wal-gb';
const STEP_CODE = "printf 'method\\tphase\\tseconds\\tmb\\tscales\\n'";
const TITLE = 'Backup and recovery time on your database';

const MEASURED = [
  '---', 'title: Choosing a method (fixture)', 'runbook:', '  timeout: 1m', '---', '',
  'Which method recovers fastest on a database your size?', '',
  '```bash run id=methods', STEP_CODE, '```', '', // line 9
  `\`\`\`estimate step=methods title="${TITLE}"`, 'Times scale with your sizes (WAL: `pg_stat_wal.wal_bytes`).', '```', '',
  'The same figures again, further down the page:', '',
  '```estimate step=methods title="Again"', '```', '',
].join('\n');
const UNMEASURED = [
  '---', 'title: Never measured (fixture)', '---', '',
  '```bash run id=methods hidden', STEP_CODE, '```', '',
  '```estimate step=methods title="Nothing measured yet"', '```', '',
].join('\n');
const TABLE = [...METHODS_TABLE_LINES, ''].join('\n');

/** Seconds for `seconds` measured on `mb` MB, at `gb` GB (1 GB = 1024 MB). */
const at = (seconds: number, mb: number, gb: number) => seconds * (gb * 1024) / mb;
/** The table's cells by hand, at a database and a WAL size: [method, backup, recovery]. */
const expected = (db: number, wal: number) => [
  ['pg_dump + pg_restore', formatEstimate(at(3.1, 61, db)), formatEstimate(at(8.2, 61, db))],
  ['PITR (base backup + WAL archive)', formatEstimate(at(1.2, 61, db)), formatEstimate(at(0.5, 61, db) + at(2, 48, wal))],
  ['streaming standby', '—', 'under a second'],
];

function runOf(file: string, source: string): RunbookReport {
  return {
    file, title: 'fixture', sourceHash: sha256(source), status: 'passed', error: null, sandbox: 'docker', major: 17,
    server: { version: 'PostgreSQL 17.2 (Debian 17.2-1) on x86_64-pc-linux-gnu', major: 17, source: 'postgres:17' }, extraServers: {}, reusedFrom: null,
    durationMs: 1500,
    steps: [{
      id: 'methods', index: 1, line: 9, column: 1, language: 'bash', hidden: false, code: STEP_CODE, executed: STEP_CODE,
      status: 'passed', exitCode: 0, durationMs: 900, stdout: TABLE, stderr: '', truncated: false, failures: [],
    }],
    unverified: [],
  };
}

const REPORT: Report = {
  version: 1, generatedAt: '2026-12-01T04:54:56.810Z', harness: { node: 'v24', platform: 'linux-x64' }, sandbox: 'docker',
  majors: [17], interrupted: false,
  summary: { runs: 1, passed: 1, failed: 0, skipped: 0, reused: 0, steps: 1, stepsPassed: 1, stepsFailed: 0, stepsNotRun: 0, unverifiedBlocks: 0, durationMs: 1500 },
  runbooks: [runOf('content/backup/choosing.md', MEASURED)], notApplicable: [],
};

let dir: string;
let site: Preview;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rb-estimate-fence-'));
  const content = path.join(dir, 'content');
  mkdirSync(path.join(content, 'backup'), { recursive: true });
  writeFileSync(path.join(content, 'index.md'), '---\ntitle: Fixture\n---\n\nA stand-in guide.\n');
  writeFileSync(path.join(content, 'backup', 'choosing.md'), MEASURED);
  writeFileSync(path.join(content, 'backup', 'unmeasured.md'), UNMEASURED);
  writeFileSync(path.join(dir, 'report.json'), JSON.stringify(REPORT));
  // A draft: the unmeasured page has no run in the report, and must say so rather than stop the build.
  const build = await buildSite(path.join(dir, 'dist'), {
    RUNBOOKS_REPORT: path.join(dir, 'report.json'), RUNBOOKS_CONTENT: content, RUNBOOKS_CACHE_DIR: path.join(dir, 'cache'),
    RUNBOOKS_DRAFT: '1', RUNBOOKS_COMMIT: 'abc1234',
  });
  if (build.exitCode !== 0) throw new Error(`astro build failed (exit ${build.exitCode}):\n${build.output}`);
  site = await preview(path.join(dir, 'dist'));
  browser = await launchBrowser(site.origin);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
}, 300_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await site?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cells = (figure: Locator) => figure.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [
  tr.querySelector('th')!.textContent!.trim(),
  ...[...tr.querySelectorAll('output')].map((o) => o.textContent!.trim()),
]));

async function fresh(url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(site.origin + url);
  await page.evaluate((keys) => keys.forEach((k) => localStorage.removeItem(k)), [SIZE_KEY, WAL_KEY]);
  await page.reload();
  return page;
}

describe('a comparison of methods (```estimate) in the browser', () => {
  it('shows each method\'s backup and recovery time at the default size, with what was measured and on which run', async () => {
    const page = await fresh('/backup/choosing/');
    expect(await page.locator('.rb-badge').getAttribute('data-rb-status'), 'the fixture report proves the page').toBe('verified');
    const figure = page.locator(`figure.rb-compare[data-rb-compare="methods"]`).first();
    expect(await figure.locator('.rb-compare__title').innerText()).toBe(TITLE);
    expect(await figure.locator('thead th').evaluateAll((ths) => ths.map((th) => th.textContent))).toEqual(['Method', 'Backup', 'Recovery (RTO)']);
    expect(await cells(figure)).toEqual(expected(DEFAULT_SIZE_GB, DEFAULT_SIZE_GB));
    expect(await figure.locator('tbody tr').first().locator('.rb-compare__measured').first().innerText()).toBe('measured here: 3.1 s on 61 MB');
    const caption = await figure.locator('figcaption').innerText();
    expect(await figure.locator('figcaption code').allInnerTexts()).toEqual(['pg_stat_wal.wal_bytes']);
    expect(caption).toContain('Measured by this page\'s step "methods" on PostgreSQL 17.2 (Debian 17.2-1), 2026-12-01');
    expect(caption).toContain(ESTIMATE_CAVEAT);
    expect(caption).toContain('2 CPUs, 24 GiB RAM');
    expect(await figure.getByLabel('Your database size (GB)').inputValue()).toBe(String(DEFAULT_SIZE_GB));
    expect(await figure.getByLabel('WAL to replay (GB)').inputValue()).toBe(String(DEFAULT_SIZE_GB));
    await page.close();
  });

  it('recomputes every cell as the reader types either size, in every comparison of the page, and remembers the sizes', async () => {
    const page = await fresh('/backup/choosing/');
    const [first, second] = [page.locator('figure.rb-compare').nth(0), page.locator('figure.rb-compare').nth(1)];
    const before = await cells(first);
    await first.getByLabel('Your database size (GB)').fill('250');
    expect(await cells(first)).toEqual(expected(250, DEFAULT_SIZE_GB));
    expect(await cells(first)).not.toEqual(before);
    // The other comparison on the page follows, field and cells.
    expect(await second.getByLabel('Your database size (GB)').inputValue()).toBe('250');
    expect(await cells(second)).toEqual(expected(250, DEFAULT_SIZE_GB));

    await second.getByLabel('WAL to replay (GB)').fill('3');
    expect(await cells(first)).toEqual(expected(250, 3));
    expect(await cells(second)).toEqual(expected(250, 3));
    expect(await page.evaluate((keys) => keys.map((k) => localStorage.getItem(k)), [SIZE_KEY, WAL_KEY])).toEqual(['250', '3']);

    // An empty field gives no estimate where it is needed, and leaves the fixed phase alone.
    await first.getByLabel('Your database size (GB)').fill('');
    expect((await cells(first))[0]).toEqual(['pg_dump + pg_restore', formatEstimate(Number.NaN), formatEstimate(Number.NaN)]);
    expect((await cells(first))[2]).toEqual(['streaming standby', '—', 'under a second']);
    await first.getByLabel('Your database size (GB)').fill('250');

    // The sizes are the ones every estimate of the site shares: a reload, or another page, starts from them.
    await page.reload();
    expect(await page.locator('figure.rb-compare').first().getByLabel('Your database size (GB)').inputValue()).toBe('250');
    expect(await cells(page.locator('figure.rb-compare').first())).toEqual(expected(250, 3));
    await page.evaluate((keys) => keys.forEach((k) => localStorage.removeItem(k)), [SIZE_KEY, WAL_KEY]);
    await page.close();
  });

  it('shows no figures, and says so, where the step has no verified run', async () => {
    const page = await fresh('/backup/unmeasured/');
    const figure = page.locator('figure.rb-compare');
    expect(await figure.count()).toBe(1);
    expect(await figure.locator('table, input').count()).toBe(0);
    expect(await figure.innerText()).toContain('Not verified: no verified run of step "methods" measured these figures, so none are shown.');
    await page.close();
  });

  it('is readable in the light and the dark theme (screenshots)', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await ctx.newPage();
      await page.goto(`${site.origin}/backup/choosing/`);
      await page.evaluate((keys) => keys.forEach((k) => localStorage.removeItem(k)), [SIZE_KEY, WAL_KEY]);
      await page.reload();
      const figure = page.locator('figure.rb-compare').first();
      await figure.getByLabel('Your database size (GB)').fill('250');
      await figure.screenshot({ path: artifact(`estimate-fence-${scheme}.png`) });
      await page.setViewportSize({ width: 390, height: 844 });
      await figure.screenshot({ path: artifact(`estimate-fence-phone-${scheme}.png`) });
      // On a phone the table scrolls inside the figure; the page itself does not scroll sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), scheme).toBe(true);
      await page.setViewportSize({ width: 1100, height: 900 });
      // Text drawn in a colour of its own background would pass every other test.
      const colors = await figure.evaluate((f) => {
        const style = (e: Element) => getComputedStyle(e);
        return { result: style(f.querySelector('output')!).color, measured: style(f.querySelector('.rb-compare__measured')!).color, page: style(document.body).backgroundColor };
      });
      expect(colors.result, scheme).not.toBe(colors.page);
      expect(colors.measured, scheme).not.toBe(colors.page);
      await page.goto(`${site.origin}/backup/unmeasured/`);
      await page.locator('figure.rb-compare').screenshot({ path: artifact(`estimate-fence-unmeasured-${scheme}.png`) });
      await ctx.close();
    }
  });
});
