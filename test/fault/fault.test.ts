import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectPaths } from '../../src/harness/files/project.ts';
import { runCli, scratch } from '../helpers/cli.ts';
import { describeDocker } from '../helpers/docker.ts';

const FAULT = join(projectPaths().scripts, 'fault');

function fault(args: string[], cwd?: string) {
  return execa(FAULT, args, { reject: false, ...(cwd ? { cwd } : {}), env: { LC_ALL: 'C' } });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rb-fault-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A file of `size` bytes 0, 1, …, 255, 0, 1, … */
function sample(dir: string, size = 1000): string {
  const file = join(dir, 'sample.bin');
  writeFileSync(file, Buffer.from(Array.from({ length: size }, (_, i) => i % 256)));
  return file;
}

describe('fault corrupt', () => {
  it('overwrites 16 bytes in the middle with 0xFF by default, keeping the size, and says so', async () => {
    const dir = tempDir();
    const file = sample(dir);
    const result = await fault(['corrupt', 'sample.bin'], dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('fault: overwrote 16 bytes of sample.bin at offset 500 with 0xFF (1000 bytes, size unchanged)');
    const bytes = readFileSync(file);
    expect(bytes.length).toBe(1000);
    expect([...bytes.subarray(500, 516)]).toEqual(Array(16).fill(0xff));
    expect(bytes[499]).toBe(499 % 256);
    expect(bytes[516]).toBe(516 % 256);
  });

  it('is deterministic, takes an offset from the end, and refuses to grow the file', async () => {
    const dir = tempDir();
    const file = sample(dir);
    expect((await fault(['corrupt', file, '--offset', '-100', '--bytes', '4'])).exitCode).toBe(0);
    const once = readFileSync(file);
    expect((await fault(['corrupt', file, '--offset=-100', '--bytes=4'])).exitCode).toBe(0);
    expect(readFileSync(file)).toEqual(once);
    expect([...once.subarray(900, 904)]).toEqual([0xff, 0xff, 0xff, 0xff]);

    const grow = await fault(['corrupt', file, '--offset', '990', '--bytes', '16']);
    expect(grow.exitCode).toBe(1);
    expect(grow.stderr).toContain('cannot overwrite 16 bytes at offset 990 of a 1000-byte file (it would grow)');
    expect(readFileSync(file)).toEqual(once);
  });

  it('rejects bad usage with exit status 2', async () => {
    const dir = tempDir();
    sample(dir);
    for (const args of [['corrupt'], ['corrupt', 'sample.bin', '--bytes', '0'], ['corrupt', 'sample.bin', '--offset', 'x'], ['explode']]) {
      const result = await fault(args, dir);
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr).toContain("Try 'fault --help'.");
    }
    const missing = await fault(['corrupt', 'nope.bin'], dir);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe('fault: nope.bin: not a regular file');
  });
});

describe('fault truncate', () => {
  it('cuts a file to N bytes or drops its last N bytes', async () => {
    const dir = tempDir();
    const file = sample(dir);
    const drop = await fault(['truncate', 'sample.bin', '--drop', '100'], dir);
    expect(drop.stdout).toBe('fault: truncated sample.bin from 1000 to 900 bytes (dropped the last 100)');
    expect(statSync(file).size).toBe(900);
    const to = await fault(['truncate', 'sample.bin', '--to', '10'], dir);
    expect(to.stdout).toBe('fault: truncated sample.bin from 900 to 10 bytes (dropped the last 890)');
    expect([...readFileSync(file)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses what would not shorten the file, and needs exactly one of --to and --drop', async () => {
    const dir = tempDir();
    sample(dir);
    expect((await fault(['truncate', 'sample.bin', '--to', '1000'], dir)).stderr).toContain('would not shorten a 1000-byte file');
    expect((await fault(['truncate', 'sample.bin', '--drop', '1001'], dir)).stderr).toContain('cannot drop 1001 bytes of a 1000-byte file');
    expect((await fault(['truncate', 'sample.bin'], dir)).exitCode).toBe(2);
    expect((await fault(['truncate', 'sample.bin', '--to', '1', '--drop', '1'], dir)).exitCode).toBe(2);
    expect(statSync(join(dir, 'sample.bin')).size).toBe(1000);
  });
});

describe('fault fill', () => {
  const root = process.getuid?.() === 0;

  it.skipIf(!root)('fills a small filesystem until ENOSPC, and removing its file frees the space (tmpfs, needs root)', async () => {
    const dir = tempDir();
    const disk = join(dir, 'disk');
    mkdirSync(disk);
    expect((await execa('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', disk], { reject: false })).exitCode).toBe(0);
    onTestFinished(async () => { await execa('umount', [disk], { reject: false }); });

    const result = await fault(['fill', disk]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe(`fault: filled the filesystem of ${disk}: wrote 4194304 bytes to ${disk}/fault-fill, 0 bytes left (No space left on device); rm ${disk}/fault-fill frees it`);
    const write = await execa('bash', ['-c', `echo x > ${disk}/one-more`], { reject: false });
    expect(write.exitCode).not.toBe(0);
    expect(write.stderr).toContain('No space left on device');

    rmSync(join(disk, 'fault-fill'));
    expect((await execa('bash', ['-c', `echo x > ${disk}/one-more`], { reject: false })).exitCode).toBe(0);
  });

  it('refuses to fill a filesystem with more than 1 GiB free', async () => {
    const dir = tempDir();
    const result = await fault(['fill', dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^fault: refusing to fill .+: its filesystem has \d+ MiB free; this is meant for a small filesystem such as \$SMALL_DISK \(--force to fill it anyway\)$/);
    expect(existsSync(join(dir, 'fault-fill'))).toBe(false);
  });
});

describe('fault kill-after', () => {
  it('kills the command and everything it started, and exits with its signal status', async () => {
    const marker = `${30 + Math.random()}`;
    const started = performance.now();
    const result = await fault(['kill-after', '0.5', '--', 'bash', '-c', `sleep ${marker} | cat`]);
    expect(result.exitCode).toBe(137);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.stderr).toMatch(/^fault: killed bash \(PID \d+\) with SIGKILL after 0\.5s; exit status 137$/);
    const left = await execa('pgrep', ['-f', `sleep ${marker}`], { reject: false });
    expect(left.stdout).toBe('');
  });

  it('uses another signal when asked, and says when the command ended before the kill', async () => {
    const term = await fault(['kill-after', '0.2', '--signal', 'TERM', '--', 'sleep', '10']);
    expect(term.exitCode).toBe(143);
    expect(term.stderr).toContain('with SIGTERM after 0.2s');

    const early = await fault(['kill-after', '5', '--', 'bash', '-c', 'echo out; exit 3']);
    expect(early.exitCode).toBe(3);
    expect(early.stdout).toBe('out');
    expect(early.stderr).toBe('fault: bash ended after less than 5s, before the kill (exit status 3); no fault injected');
  });
});

/** A runbook drill, so stop-server and kill-server run as an operator would: in a sandbox, on its own server. */
const DRILL = `---
title: Server faults
---

\`\`\`bash run id=kill role=drill
psql -X -q -c 'create table t (id int); insert into t values (1)'
fault kill-server
\`\`\`

\`\`\`text output match=regex
^fault: killed the postmaster of \\$PGDATA \\(PID \\d+\\) with SIGKILL; postmaster\\.pid is left behind, as after a crash$
\`\`\`

\`\`\`bash run id=down exit=2 stderr-contains="Connection refused"
psql -X -c 'select 1'
\`\`\`

\`\`\`bash run id=crash-recovery
pg_ctl -D "$PGDATA" -l "$SERVER_LOG" -w start > /dev/null
grep -c 'database system was not properly shut down; automatic recovery in progress' "$SERVER_LOG"
psql -X -At -c 'select count(*) from t'
\`\`\`

\`\`\`text output
1
1
\`\`\`

\`\`\`bash run id=stop role=drill
fault stop-server
\`\`\`

\`\`\`text output
fault: stopped the server of $PGDATA (pg_ctl stop -m fast)
\`\`\`

\`\`\`bash run id=stop-again role=drill exit=1 stderr-contains="fault: pg_ctl stop failed for"
fault stop-server
\`\`\`

\`\`\`bash run id=no-pid role=drill exit=1 stderr-contains="postmaster.pid not found: is the server running?"
fault kill-server
\`\`\`
`;

describe('fault stop-server and kill-server, in a sandbox', () => {
  it('stop and kill the sandbox server (local cluster)', async () => {
    const s = scratch();
    s.write('content/drill.md', DRILL);
    const result = await runCli(['verify', '--sandbox', 'local', 'content'], s.dir, s.tmp);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/Steps: {4}6 passed, 0 failed, 0 not run/);
  });
});

describeDocker('fault in the containers (bash, coreutils, procps and pg_ctl only)', () => {
  it('stops and kills the server in the oldest and newest images', async () => {
    const s = scratch();
    s.write('content/drill.md', DRILL);
    const result = await runCli(['verify', '--sandbox', 'docker', '--pg', '13,18', 'content'], s.dir, s.tmp);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/Runs: {5}2 passed, 0 failed/);
  });
});
