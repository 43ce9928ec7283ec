/**
 * Rates from a real run of content/reference/throughput.md (its report,
 * trimmed to that page, in test/fixtures/estimate/), the arithmetic and
 * wording of an estimate, and the note under a step.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Element, ElementContent } from 'hast';
import type { Report } from '../../src/harness/report/format.ts';
import { ratesFromReport, sizeInMb, THROUGHPUT_FILE } from '../../src/site/estimate/throughput.ts';
import { combinedRate, estimateSeconds, formatEstimate, formatRate } from '../../src/site/estimate/estimate.ts';
import { estimateNote } from '../../src/site/estimate/note.ts';
import type { StepProof } from '../../src/site/proof/page-proof.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/estimate/throughput-report.json');
const report = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Report;

/** The row a rate must come from, read straight from the fixture's step output. */
function row(major: number, step: string, method: string, size: string): { seconds: number } {
  const run = report.runbooks.find((r) => r.file === THROUGHPUT_FILE && r.major === major)!;
  const line = run.steps.find((s) => s.id === step)!.stdout!.split('\n')
    .find((l) => l.split('\t')[0] === size && l.split('\t')[1] === method);
  if (!line) throw new Error(`no row ${size} / ${method} in step ${step} on PostgreSQL ${major}`);
  return { seconds: Number(line.split('\t')[2]) };
}

describe('rates measured by the throughput page', () => {
  const rates = ratesFromReport(report);
  const newest = Math.max(...report.runbooks.filter((r) => r.file === THROUGHPUT_FILE && r.status === 'passed').map((r) => r.major));

  it('comes from the newest major that passed, dated when it ran', () => {
    expect(newest).toBe(18);
    for (const rate of Object.values(rates)) {
      expect(rate.major).toBe(newest);
      const run = report.runbooks.find((r) => r.file === THROUGHPUT_FILE && r.major === newest)!;
      expect(rate.measuredAt).toBe(run.reusedFrom ?? report.generatedAt);
      expect(rate.serverVersion).toMatch(/^PostgreSQL 18/);
    }
  });

  it('reads every kind of work from its representative row: the largest database, custom format, one job', () => {
    expect(Object.keys(rates).sort()).toEqual(['base-backup', 'dump', 'restore', 'restore-psql', 'wal-replay']);
    const expected = {
      dump: ['dump-times', 'custom', '61 MB'],
      restore: ['restore-times', 'custom -j 1', '61 MB'],
      'restore-psql': ['restore-times', 'plain (psql)', '61 MB'],
    } as const;
    for (const [key, [step, method, size]] of Object.entries(expected)) {
      const rate = rates[key as keyof typeof expected]!;
      expect(rate.sizeLabel, key).toBe(size);
      expect(rate.seconds, key).toBe(row(newest, step, method, size).seconds);
      expect(rate.mbPerSecond, key).toBeCloseTo(61 / rate.seconds, 6);
    }
    expect(rates['base-backup']!.sizeLabel).toMatch(/^cluster, \d+ MB$/);
    expect(rates['wal-replay']!.sizeLabel).toMatch(/^WAL, \d+ MB$/);
    expect(rates['wal-replay']!.mbPerSecond).toBeCloseTo(sizeInMb(rates['wal-replay']!.sizeLabel)! / rates['wal-replay']!.seconds, 6);
  });

  it('falls back to an older major when the newest did not pass, and to nothing without a passed run', () => {
    const broken: Report = { ...report, runbooks: report.runbooks.map((r) => (r.major === 18 ? { ...r, status: 'failed' as const } : r)) };
    const older = ratesFromReport(broken);
    expect(older.dump?.major).toBe(17);
    expect(ratesFromReport({ ...report, runbooks: [] })).toEqual({});
    expect(ratesFromReport(undefined)).toEqual({});
  });

  it('reads pg_size_pretty labels in MB', () => {
    expect(sizeInMb('61 MB')).toBe(61);
    expect(sizeInMb('cluster, 2 GB')).toBe(2048);
    expect(sizeInMb('WAL, 512 kB')).toBe(0.5);
    expect(sizeInMb('events_40k')).toBeUndefined();
  });
});

describe('an estimate, for people', () => {
  it('scales the size linearly at the rate (1 GB = 1024 MB)', () => {
    expect(estimateSeconds(1, 1024)).toBe(1);
    expect(estimateSeconds(100, 20)).toBeCloseTo(5120);
    expect(estimateSeconds(-1, 20)).toBeNaN();
    expect(estimateSeconds(1, 0)).toBeNaN();
  });

  it('adds up the parts of a step done one after the other', () => {
    // 10 MB/s then 10 MB/s: 5 MB/s for the whole
    expect(combinedRate([10, 10])).toBeCloseTo(5);
    expect(combinedRate([20])).toBe(20);
  });

  it('rounds to what a linear estimate can promise', () => {
    expect([0.4, 1.26, 42, 14.4 * 60, 90 * 60, 2.46 * 3600, 3 * 86400, 126 * 60].map(formatEstimate)).toEqual([
      'under a second', 'about 1.3 s', 'about 42 s', 'about 14 min', 'about 1.5 h', 'about 2.5 h', 'about 3 days', 'about 2.1 h',
    ]);
    expect(formatEstimate(3 * 3600 * 1000)).toBe('about 130 days');
    expect(formatEstimate(Number.NaN)).toBe('no estimate (enter a size)');
    expect([0.456, 3.21, 14.26, 320.4].map(formatRate)).toEqual(['0.46 MB/s', '3.2 MB/s', '14 MB/s', '320 MB/s']);
  });
});

function text(node: ElementContent | Element): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(text).join('');
  return '';
}

function find(node: Element, test: (e: Element) => boolean): Element[] {
  const out: Element[] = test(node) ? [node] : [];
  for (const child of node.children) if (child.type === 'element') out.push(...find(child, test));
  return out;
}

function step(index: number, code: string, durationMs = 412): StepProof {
  return {
    index, id: `step-${index}`, line: index * 10, language: 'bash', hidden: false, code, status: 'passed',
    runs: [17, 18].map((major) => ({ major, status: 'passed' as const, exitCode: 0, durationMs, stdout: '', stderr: '', truncated: false, failures: [] })),
  };
}

describe('the note under a step', () => {
  const rates = ratesFromReport(report);

  it('says what the step took here, the estimate at the measured rate, its date and version, and links the page', () => {
    const note = estimateNote(step(1, 'pg_restore --exit-on-error --dbname=appdb_restored appdb.dump'), rates)!;
    const restore = rates.restore!;
    const words = text(note);
    expect(words).toContain('This step took 412 ms here on PostgreSQL 18');
    expect(words).toContain(`at ${formatRate(restore.mbPerSecond)} (pg_restore of a custom-format dump, one job, on 61 MB)`);
    expect(words).toContain(`(PostgreSQL 18, ${restore.measuredAt.slice(0, 10)})`);
    expect(words).toContain('Scaled linearly from a small synthetic database');
    expect(find(note, (e) => e.tagName === 'a')[0]!.properties.href).toBe('/reference/throughput/');
    const [input] = find(note, (e) => e.tagName === 'input');
    expect(input!.properties).toMatchObject({ type: 'number', dataRbEstimate: String(restore.mbPerSecond), dataRbEstimateOf: 'database', value: '10' });
    const [output] = find(note, (e) => e.tagName === 'output');
    expect(text(output!)).toBe(formatEstimate(estimateSeconds(10, restore.mbPerSecond)));
  });

  it('asks for the WAL volume on a recovery start prepared by an earlier step, and for the database size on the copy', () => {
    const prepare = step(1, 'cp -a "$BACKUP_DIR/base" "$R"\ntouch "$R/recovery.signal"');
    const start = step(2, 'pg_ctl -D "$R" -l r.log -w start');
    const startNote = estimateNote(start, rates, [prepare, start])!;
    const inputs = find(startNote, (e) => e.tagName === 'input');
    expect(inputs.map((i) => i.properties.dataRbEstimateOf)).toEqual(['wal']);
    expect(inputs[0]!.properties.dataRbEstimate).toBe(String(rates['wal-replay']!.mbPerSecond));
    expect(text(startNote)).toContain('WAL to replay');
    // Alone, the same start is a plain start: nothing to estimate.
    expect(estimateNote(start, rates)).toBeUndefined();
    const copyNote = estimateNote(prepare, rates, [prepare, start])!;
    expect(find(copyNote, (e) => e.tagName === 'input').map((i) => i.properties.dataRbEstimateOf)).toEqual(['database']);
  });

  it('gives one rate for a step that dumps then restores: the sum of both times', () => {
    const note = estimateNote(step(1, 'pg_dump -Fc appdb > appdb.dump\npg_restore -d copy appdb.dump'), rates)!;
    const [input] = find(note, (e) => e.tagName === 'input');
    expect(Number(input!.properties.dataRbEstimate)).toBeCloseTo(combinedRate([rates.dump!.mbPerSecond, rates.restore!.mbPerSecond]), 9);
    expect(text(note)).toContain('overall');
  });

  it('says nothing for a step whose time does not grow with the data, or without a measured rate', () => {
    expect(estimateNote(step(1, 'createdb appdb_restored'), rates)).toBeUndefined();
    expect(estimateNote(step(1, 'pg_restore -d copy appdb.dump'), {})).toBeUndefined();
    // A copy and a replay where only the copy was measured: no half estimate of the replay.
    const { 'wal-replay': _unmeasured, ...noReplay } = rates;
    const both = step(1, 'cp -a "$BACKUP_DIR/base" "$R"\ntouch "$R/recovery.signal"\npg_ctl -D "$R" -w start');
    expect(find(estimateNote(both, noReplay)!, (e) => e.tagName === 'input').map((i) => i.properties.dataRbEstimateOf)).toEqual(['database']);
  });
});
