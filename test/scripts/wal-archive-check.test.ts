import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectPaths } from '../../src/harness/files/project.ts';

/**
 * wal-archive-check on archives made of empty files with WAL names: the
 * segment arithmetic and the timeline rules, which a live server rarely
 * exercises (a 4 GB log-file boundary, a fork to timeline 2).
 */
const CHECK = join(projectPaths().scripts, 'wal-archive-check');

async function check(files: Record<string, string>, args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-walcheck-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const result = await execa(CHECK, [...args, dir], { reject: false, env: { LC_ALL: 'C' } });
  return { exitCode: result.exitCode, out: result.stdout.replaceAll(dir, '$ARCHIVE') };
}

const segments = (...names: string[]) => Object.fromEntries(names.map((n) => [n, '']));

describe('wal-archive-check', () => {
  it('passes a continuous archive across the end of a 4 GB log file', async () => {
    const archive = segments('0000000100000000000000FE', '0000000100000000000000FF', '000000010000000100000000', '000000010000000100000000.00000028.backup');
    const result = await check(archive, ['--start', '0000000100000000000000FE']);
    expect(result.exitCode).toBe(0);
    expect(result.out).toMatch(/^continuous: 0000000100000000000000FE to 000000010000000100000000, 3 segments \(timeline 1\)/);
  });

  it('names the missing segment and where recovery would stop', async () => {
    const archive = segments('0000000100000000000000FE', '0000000100000000000000FF', '000000010000000100000002');
    expect(await check(archive, ['--start', '0000000100000000000000FE'])).toEqual({
      exitCode: 1,
      out: [
        'missing: 000000010000000100000000',
        'missing: 000000010000000100000001',
        '2 of 5 segments missing between 0000000100000000000000FE and 000000010000000100000002: recovery from this archive stops at 1/0, before 000000010000000100000000',
      ].join('\n'),
    });
  });

  it('follows the newest timeline from its fork point, and ignores the abandoned branch', async () => {
    // Timeline 2 forked inside segment 04: segments before it are timeline 1's, from 04 on timeline 2's.
    const archive = {
      ...segments('000000010000000000000003', '000000010000000000000004', '000000010000000000000005', '000000020000000000000004'),
      '00000002.history': '1\t0/4000120\tno recovery target specified\n',
    };
    const missing = await check(archive, ['--start', '000000010000000000000003']);
    expect(missing.exitCode).toBe(0);
    const gap = await check({ ...archive, '000000020000000000000006': '' }, ['--start', '000000010000000000000003']);
    expect(gap.exitCode).toBe(1);
    expect(gap.out).toContain('missing: 000000020000000000000005');
  });

  it('says how to call it', async () => {
    const result = await execa(CHECK, ['--start', 'nonsense', '/nowhere'], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/wal-archive-check: /);
  });
});
