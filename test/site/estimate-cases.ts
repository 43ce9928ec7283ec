/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser)
/**
 * "How long will this take on my database?" in a real browser (issue 15):
 * under a restore and a recovery start, the estimate uses the rate the
 * throughput page measured in this run's report, follows the size the reader
 * types, and remembers it across reloads and pages. The rates are read from
 * the report's rows here again, not through the site's code; the rounding of
 * the words ("about 14 min") is the site's documented behaviour.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Report } from '../../src/harness/report/format.ts';
import { DEFAULT_SIZE_GB, estimateText, formatEstimate } from '../../src/site/estimate/estimate.ts';
import type { SiteCases, SiteContext } from './site-context.ts';

const SIZE_KEY = 'proven-runbooks:size-gb';
const WAL_KEY = 'proven-runbooks:wal-gb';
const THROUGHPUT = 'content/reference/throughput.md';

/** MB/s of the largest database's row of `method` in `step`, on the newest major where the throughput page passed. */
function measuredRate(report: Report, step: string, method: (m: string) => boolean): number | undefined {
  const run = report.runbooks.filter((r) => r.file === THROUGHPUT && r.status === 'passed').sort((a, b) => b.major - a.major)[0];
  const stdout = run?.steps.find((s) => s.id === step && s.status === 'passed')?.stdout;
  if (!stdout) return undefined;
  const units: Record<string, number> = { kB: 1 / 1024, MB: 1, GB: 1024 };
  const rows = stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('\t'))
    .filter((cells) => method(cells[1] ?? ''))
    .map((cells) => {
      const m = /(\d+(?:\.\d+)?) (kB|MB|GB)/.exec(cells[0] ?? '');
      return { mb: m ? Number(m[1]) * units[m[2]!]! : 0, seconds: Number(cells[2]) };
    })
    .filter((r) => r.mb > 0 && r.seconds > 0)
    .sort((a, b) => b.mb - a.mb);
  return rows[0] ? rows[0].mb / rows[0].seconds : undefined;
}

/** Where a step's estimate is, on the page built from a report where both pages passed. */
interface Where { file: string; url: string; step: string }

function pageOf(site: SiteContext, file: string, step: string): (Where & { verified: boolean }) {
  const c = site.pages.find((p) => p.file === file);
  if (!c) throw new Error(`${file} is not a page of the guide any more: update estimate-cases.ts`);
  return { file, url: c.url, step, verified: c.expected === 'verified' };
}

const noteOf = (page: Page, step: string) => page.locator(`.rb-step[data-rb-step="${step}"] .rb-estimate`);

async function resultAfterTyping(page: Page, step: string, value: string): Promise<{ rate: number; text: string }> {
  const note = noteOf(page, step);
  const input = note.locator('input[data-rb-estimate]');
  await input.fill(value);
  return {
    rate: Number(await input.getAttribute('data-rb-estimate')),
    text: (await note.locator('[data-rb-estimate-result]').innerText()).trim(),
  };
}

/**
 * A ```estimate fence's table by hand from the step's printed table, at a
 * database and a WAL size: [method, backup, recovery] per method, in the
 * order they first appear; "—" for a column a method measured nothing in.
 */
function comparison(stdout: string, db: number, wal: number): string[][] {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const header = lines[0]!.split('\t');
  const methods = new Map<string, { backup?: number; recovery?: number }>();
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    const cell = (name: string) => (cells[header.indexOf(name)] ?? '').trim();
    const seconds = Number(cell('seconds'));
    const scales = cell('scales');
    const time = scales === 'fixed' ? seconds : seconds * ((scales === 'wal' ? wal : db) * 1024) / Number(cell('mb'));
    const method = methods.get(cell('method')) ?? {};
    methods.set(cell('method'), method);
    const column = cell('phase') === 'backup' ? 'backup' : 'recovery';
    method[column] = (method[column] ?? 0) + time;
  }
  const words = (n: number | undefined) => (n === undefined ? '—' : formatEstimate(n));
  return [...methods].map(([name, m]) => [name, words(m.backup), words(m.recovery)]);
}

const comparisonCells = (page: Page, index: number) => page.locator('figure.rb-compare').nth(index).locator('tbody tr')
  .evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')!.textContent!.trim(), ...[...tr.querySelectorAll('output')].map((o) => o.textContent!.trim())]));

export const estimateCases: SiteCases = (site) => {
  describe('time estimates under data-sized steps', () => {
    it('estimates a pg_restore at the throughput page\'s measured rate, follows the typed size, and remembers it', async () => {
      const s = site();
      const restore = pageOf(s, 'content/restore/restore-formats.md', 'custom');
      const rate = measuredRate(s.report, 'restore-times', (m) => m === 'custom -j 1');
      const page = await s.context.newPage();
      await page.goto(s.origin + restore.url);
      await page.evaluate((keys) => keys.forEach((k) => localStorage.removeItem(k)), [SIZE_KEY, WAL_KEY]);
      await page.reload();
      const note = noteOf(page, restore.step);
      if (!restore.verified || rate === undefined) {
        // Nothing measured, or nothing proven: no figure is better than an invented one.
        expect(await note.count(), `${restore.file}: an estimate without a verified measurement`).toBe(0);
        await page.close();
        return;
      }
      expect(await note.count(), restore.file).toBe(1);
      const input = note.locator('input[data-rb-estimate]');
      expect(await input.getAttribute('type')).toBe('number');
      expect(await input.getAttribute('data-rb-estimate-of')).toBe('database');
      expect(Number(await input.getAttribute('data-rb-estimate'))).toBeCloseTo(rate, 6);
      expect(await note.locator('a[href="/reference/throughput/"]').count()).toBe(1);
      const words = await note.innerText();
      expect(words).toMatch(/This step took \d+(\.\d)? (ms|s|min)/);
      expect(words).toMatch(/PostgreSQL \d+, \d{4}-\d\d-\d\d/);

      const before = (await note.locator('[data-rb-estimate-result]').innerText()).trim();
      const typed = await resultAfterTyping(page, restore.step, '100');
      expect(typed.text).toBe(estimateText(100, rate));
      expect(typed.text).not.toBe(before);
      expect(await page.evaluate((k) => localStorage.getItem(k), SIZE_KEY)).toBe('100');

      await page.reload();
      expect(await noteOf(page, restore.step).locator('input[data-rb-estimate]').inputValue()).toBe('100');
      expect((await noteOf(page, restore.step).locator('[data-rb-estimate-result]').innerText()).trim()).toBe(estimateText(100, rate));

      // The same size on another page's restore, without typing it again.
      const other = pageOf(s, 'content/backup/custom-format-parallel-restore.md', 'restore');
      if (other.verified) {
        await page.goto(s.origin + other.url);
        const otherInput = noteOf(page, other.step).locator('input[data-rb-estimate]');
        expect(await otherInput.inputValue(), other.file).toBe('100');
        expect((await noteOf(page, other.step).locator('[data-rb-estimate-result]').innerText()).trim()).toBe(estimateText(100, rate));
      }
      await page.evaluate((keys) => keys.forEach((k) => localStorage.removeItem(k)), [SIZE_KEY, WAL_KEY]);
      await page.close();
    });

    it('asks for the WAL to replay on a recovery start, at the measured replay rate, apart from the database size', async () => {
      const s = site();
      const pitr = pageOf(s, 'content/pitr/point-in-time-recovery.md', 'start-recovered');
      const rate = measuredRate(s.report, 'wal-replay', (m) => m.startsWith('WAL replay'));
      const page = await s.context.newPage();
      await page.goto(s.origin + pitr.url);
      await page.evaluate((keys) => keys.forEach((k) => localStorage.removeItem(k)), [SIZE_KEY, WAL_KEY]);
      await page.reload();
      const note = noteOf(page, pitr.step);
      if (!pitr.verified || rate === undefined) {
        expect(await note.count(), pitr.file).toBe(0);
        await page.close();
        return;
      }
      const inputs = note.locator('input[data-rb-estimate]');
      expect(await inputs.count()).toBe(1);
      expect(await inputs.getAttribute('data-rb-estimate-of')).toBe('wal');
      expect(Number(await inputs.getAttribute('data-rb-estimate'))).toBeCloseTo(rate, 6);
      const typed = await resultAfterTyping(page, pitr.step, '48');
      expect(typed.text).toBe(estimateText(48, rate));
      expect(await page.evaluate((k) => localStorage.getItem(k), WAL_KEY)).toBe('48');
      expect(await page.evaluate((k) => localStorage.getItem(k), SIZE_KEY)).toBeNull();
      await page.evaluate((keys) => keys.forEach((k) => localStorage.removeItem(k)), [SIZE_KEY, WAL_KEY]);
      await page.close();
    });

    it('compares methods (```estimate) from the table the step printed in the report, at the reader\'s sizes', async () => {
      const s = site();
      const page = await s.context.newPage();
      for (const c of s.pages.filter((p) => p.blocks.some((b) => b.kind === 'estimate'))) {
        const lines = c.source.split('\n');
        const steps = c.blocks.filter((b) => b.kind === 'estimate').map((b) => /\bstep=("?)([^\s"]+)\1/.exec(lines[b.line - 1]!)![2]!);
        await page.goto(s.origin + c.url);
        await page.evaluate((keys) => keys.forEach((k) => localStorage.removeItem(k)), [SIZE_KEY, WAL_KEY]);
        await page.reload();
        const figures = page.locator('figure.rb-compare');
        expect(await figures.evaluateAll((fs) => fs.map((f) => f.getAttribute('data-rb-compare'))), c.file).toEqual(steps);
        const run = c.runs.filter((r) => r.status === 'passed').at(-1);
        for (const [i, step] of steps.entries()) {
          const stdout = run?.steps.find((st) => st.id === step && st.status === 'passed')?.stdout;
          if (c.expected !== 'verified' || !stdout) {
            if (c.expected !== 'failed') expect(await figures.nth(i).locator('table').count(), `${c.file}: no figures without a verified run`).toBe(0);
            continue;
          }
          expect(await comparisonCells(page, i), `${c.file} ${step}`).toEqual(comparison(stdout, DEFAULT_SIZE_GB, DEFAULT_SIZE_GB));
          await figures.nth(i).locator('input[data-rb-estimate-of="database"]').fill('100');
          expect(await comparisonCells(page, i), `${c.file} ${step} at 100 GB`).toEqual(comparison(stdout, 100, DEFAULT_SIZE_GB));
          const wal = figures.nth(i).locator('input[data-rb-estimate-of="wal"]');
          if (await wal.count()) {
            await wal.fill('7');
            expect(await comparisonCells(page, i), `${c.file} ${step} at 7 GB of WAL`).toEqual(comparison(stdout, 100, 7));
          }
          await page.evaluate((keys) => keys.forEach((k) => localStorage.removeItem(k)), [SIZE_KEY, WAL_KEY]);
          await page.reload();
        }
      }
      await page.close();
    });

    it('never puts an estimate under a drill or proof step', async () => {
      const s = site();
      const page = await s.context.newPage();
      for (const file of ['content/restore/restore-formats.md', 'content/pitr/point-in-time-recovery.md', 'content/disaster/lost-server.md']) {
        const c = s.pages.find((p) => p.file === file);
        if (!c) throw new Error(`${file} is not a page of the guide any more: update estimate-cases.ts`);
        await page.goto(s.origin + c.url);
        expect(await page.locator('.rb-step:not([data-rb-role="operator"]) .rb-estimate').count(), file).toBe(0);
      }
      await page.close();
    });
  });
};
