/**
 * scripts/ack-ledger: the acknowledged-writes ledger the failover pages count
 * lost commits with. content/restore/hot-standby.md proves the main path (a
 * crash under load, asynchronous and synchronous); these tests pin the edges
 * against a real local server: bad usage, a server that goes away and comes
 * back, rows deleted behind the ledger's back, rows never acknowledged, a
 * stop in the middle, and what check does when it cannot compare.
 *
 * Needs PostgreSQL: without it, findPostgres throws and the suite fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPaths } from '../../src/harness/files/project.ts';
import { findPostgres } from '../../src/harness/sandbox/postgres-binaries.ts';
import { LocalClusterSandbox } from '../../src/harness/sandbox/local-cluster.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';
import type { StartedSandbox } from '../../src/harness/sandbox/types.ts';
import { ShellSession } from '../../src/harness/execute/session.ts';

const { scripts } = projectPaths();
const LEDGER = join(scripts, 'ack-ledger');

describe('ack-ledger usage (no server)', () => {
  const run = async (args: string[]) => {
    const r = await execa(LEDGER, args, { reject: false, env: { PATH: process.env.PATH ?? '' }, extendEnv: false });
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  };

  it('--help prints the usage on stdout and exits 0', async () => {
    for (const args of [['--help'], ['check', '-h']]) {
      const r = await run(args);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('Usage: ack-ledger write LEDGER');
    }
  });

  it.each([
    [[], 'Usage: ack-ledger'],
    [['bogus'], 'unknown command: bogus'],
    [['write'], 'missing LEDGER'],
    [['write', 'a', 'b'], 'more than one LEDGER'],
    [['write', 'l', '--interval', 'fast'], '--interval must be a number'],
    [['write', 'l', '--count', '0'], '--count must be a positive whole number'],
    [['write', 'l', '--table', 'x;drop table y'], '--table must be a lower-case name'],
    [['write', 'l', '--more', '3'], '--more is an option of wait'],
    [['write', 'l', '--duration'], '--duration needs a value'],
    [['wait', 'l'], 'wait needs --count N or --more N'],
    [['wait', 'l', '--count', '1', '--more', '1'], 'not both'],
    [['wait', 'l', '-d', 'port=1'], 'wait does not connect'],
    [['check', 'l', '--show', 'all'], '--show must be a whole number'],
    [['check', 'l', '--frobnicate'], 'unknown option: --frobnicate'],
  ])('%j: exit 2 and says why', async (args, message) => {
    const r = await run(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('ack-ledger against a server', () => {
  let started: StartedSandbox;
  let shell: ShellSession;
  let base = '';
  const sh = async (script: string, timeoutMs = 60_000) => shell.run(script, timeoutMs);

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'rb-ack-ledger-'));
    await execa('chmod', ['755', base]);
    const install = await findPostgres({ path: process.env.PATH ?? '' });
    started = await new LocalClusterSandbox({ install, scriptsDir: scripts, baseDir: base, settings: sandboxSettings(process.env) }).start();
    shell = await ShellSession.open(started.shell());
    const setup = await sh('createdb ledger && export PGDATABASE=ledger && cd "$BACKUP_DIR"');
    expect(setup.stderr).toBe('');
    expect(setup.exitCode).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await shell?.close();
    await started?.stop();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('writes --count commits, records each after its acknowledgement, and check finds them all', async () => {
    const w = await sh('ack-ledger write first.ledger --table first --count 15 --interval 0');
    expect(w.exitCode, w.stderr).toBe(0);
    expect(w.stdout).toBe('ack-ledger: stopped: 15 acknowledged, 0 not acknowledged; ledger first.ledger\n');
    const file = await sh('cat first.ledger');
    const lines = file.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^# start \d{13} next=1$/);
    expect(lines.at(-1)).toMatch(/^# stop \d{13}$/);
    expect(lines.slice(1, -1).map((l) => l.split(' ')[0])).toEqual(Array.from({ length: 15 }, (_, i) => String(i + 1)));
    const c = await sh('ack-ledger check first.ledger --table first');
    expect(c.exitCode, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/^acknowledged: 15\npresent: 15\nlost: 0\npresent, never acknowledged: 0\nlongest gap without an acknowledged commit: \d+\.\d s \(after (the start|id \d+)\)\n$/);
  });

  it('check names lost rows (exit 1), counts rows never acknowledged, and lists at most --show ids', async () => {
    await sh(`psql -X -q -c 'delete from first where id in (3, 7, 11)' -c 'insert into first (id) values (100)'`);
    const c = await sh('ack-ledger check first.ledger --table first --show 2');
    expect(c.exitCode).toBe(1);
    expect(c.stdout).toContain('acknowledged: 15\npresent: 12\nlost: 3 (first: 3 7 ...)\npresent, never acknowledged: 1\n');
    const all = await sh('ack-ledger check first.ledger --table first');
    expect(all.stdout).toContain('lost: 3 (first: 3 7 11)\n');
  });

  it('a second run appends to the ledger after its highest id', async () => {
    const w = await sh('ack-ledger write first.ledger --table first --count 2 --interval 0 && grep -v "^#" first.ledger | tail -n 2 | cut -d " " -f 1');
    expect(w.exitCode, w.stderr).toBe(0);
    expect(w.stdout).toContain('16\n17\n');
  });

  it('keeps trying while the server is down, resumes when it is back, and loses nothing after a clean restart', async () => {
    const r = await sh(`ack-ledger write outage.ledger --table outage --interval 0.02 > outage.out 2> outage.err &
      writer=$!
      ack-ledger wait outage.ledger --count 10 > /dev/null || echo "no start"
      pg_ctl -D "$PGDATA" -m fast -w stop > /dev/null
      sleep 1.5
      pg_ctl -D "$PGDATA" -l "$SERVER_LOG" -w start > /dev/null
      ack-ledger wait outage.ledger --more 10 > /dev/null || echo "no resume"
      kill "$writer"; wait "$writer"; echo "writer exit $?"
      cat outage.out outage.err
      ack-ledger check outage.ledger --table outage`);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/no start|no resume/);
    expect(r.stdout).toContain('writer exit 0\n');
    expect(r.stdout).toMatch(/ack-ledger: id \d+ not acknowledged \(psql exit 2\): .*; retrying\n/);
    expect(r.stdout).toMatch(/ack-ledger: id \d+ acknowledged \(server port \d+\) after \d+ failed attempts, \d+\.\d s after the first failure\n/);
    expect(r.stdout).toContain('lost: 0\n');
    const gap = /longest gap without an acknowledged commit: (\d+\.\d) s/.exec(r.stdout);
    expect(Number(gap?.[1])).toBeGreaterThanOrEqual(1.5);
  }, 90_000);

  it('--duration stops the writer by itself', async () => {
    const r = await sh('time_start=$SECONDS; ack-ledger write timed.ledger --table timed --duration 1 --interval 0.05 > /dev/null 2>&1; echo "exit $? after $((SECONDS - time_start))s"; tail -n 1 timed.ledger');
    expect(r.stdout).toMatch(/^exit 0 after [12]s\n# stop \d+\n$/);
  });

  it('wait times out with exit 1 when no commit comes', async () => {
    const r = await sh('ack-ledger wait first.ledger --more 1 --timeout 0.3');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('acknowledged: 17\n');
    expect(r.stderr).toContain('timed out after 0.3s: 0 new acknowledged commits');
  });

  it('check exits 3 when it cannot compare: no table, no server, not a ledger', async () => {
    const noTable = await sh('ack-ledger check first.ledger --table nosuch');
    expect(noTable.exitCode).toBe(3);
    expect(noTable.stderr).toContain('cannot read table nosuch: ERROR:  relation "nosuch" does not exist');
    const noServer = await sh('ack-ledger check first.ledger --table first -d "host=$PGHOST port=1 dbname=ledger"');
    expect(noServer.exitCode).toBe(3);
    expect(noServer.stderr).toContain('cannot read table first:');
    const notLedger = await sh('echo "hello world" > bad.ledger; ack-ledger check bad.ledger --table first');
    expect(notLedger.exitCode).toBe(3);
    expect(notLedger.stderr).toContain('bad.ledger: not a ledger (line 1: hello world)');
    const missing = await sh('ack-ledger check missing.ledger --table first');
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toContain('missing.ledger: no such ledger');
  });
});
