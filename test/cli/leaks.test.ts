import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { leftovers, runCli, scratch, untilPassed } from '../helpers/cli.ts';
import { SANDBOX_PREFIX } from '../../src/harness/sandbox/stale.ts';

/** A deterministic PRNG, so a failing interrupt moment can be replayed (seed printed below). */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mountsUnder(dir: string): string[] {
  return execFileSync('cat', ['/proc/mounts'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(dir));
}

const RUNBOOK = [
  '---', 'title: Interrupt me', 'runbook:', '  small-disk: 4M', '---', '',
  '```bash run id=seed', 'createdb appdb && psql -X -q -d appdb -c "create table t as select generate_series(1, 50000) i"', '```', '',
  '```bash run id=dump', 'pg_dump -Fc -f "$BACKUP_DIR/appdb.dump" appdb', '```', '',
  '```bash run id=second-server role=drill', 'initdb -D "$SANDBOX_DIR/second" -U postgres -A trust --no-sync > /dev/null',
  `pg_ctl -D "$SANDBOX_DIR/second" -l "$SANDBOX_DIR/second.log" -o "-p 5433 -c listen_addresses='' -c unix_socket_directories='$PGHOST'" -w start`, '```', '',
  '```bash run id=slow', 'nohup sleep 300 > /dev/null 2>&1 & sleep 5', '```', '',
].join('\n');

describe('interrupting verify at random moments', () => {
  it('leaves no PostgreSQL process, temporary directory, socket or mount behind in 30 runs', async () => {
    const seed = Number(process.env.LEAK_SEED ?? Date.now() % 100_000);
    const random = mulberry32(seed);
    const s = scratch();
    s.write('content/interrupt.md', RUNBOOK);
    const found: string[] = [];
    let interrupted = 0;
    let early = 0;
    for (let run = 0; run < 30; run++) {
      const delay = Math.floor(random() * 3000);
      const signal = random() < 0.7 ? 'SIGINT' : 'SIGTERM';
      const child = runCli(['verify', '--sandbox', 'local', 'content', '--report', 'report.json'], s.dir, s.tmp);
      await new Promise((r) => setTimeout(r, delay));
      child.kill(signal);
      const result = await child;
      // 130: stopped by our handler; a signal: killed while Node was still starting, before any sandbox existed.
      if (result.exitCode === 130) interrupted++;
      else if (result.signal) early++;
      else expect([0, 1], `run ${run}: ${result.all}`).toContain(result.exitCode);
      const left = leftovers(s.tmp);
      const mounts = mountsUnder(s.tmp);
      if (left.dirs.length || left.processes.length || mounts.length) {
        found.push(`run ${run} (${signal} after ${delay} ms): ${JSON.stringify({ ...left, mounts })}`);
      }
    }
    console.log(`leak test (seed ${seed}): 30 runs, ${interrupted} stopped by the harness mid-run, ${early} killed before start, ${found.length} with leftovers`);
    expect(found).toEqual([]);
    expect(interrupted).toBeGreaterThanOrEqual(15);
  }, 300_000);
});

describe('a harness that is killed outright (SIGKILL, a crash)', () => {
  it('leaves a sandbox that the next run removes', async () => {
    const s = scratch();
    s.write('content/interrupt.md', RUNBOOK);
    const child = runCli(['verify', '--sandbox', 'local', 'content'], s.dir, s.tmp);
    await untilPassed(child, 'second-server');
    child.kill('SIGKILL');
    await child;
    const orphaned = leftovers(s.tmp);
    // The sandbox, and the prepared cluster it was copied from (removed at exit, which SIGKILL skips).
    expect(orphaned.dirs.filter((d) => d.startsWith(SANDBOX_PREFIX))).toHaveLength(1);
    expect(orphaned.processes.length).toBeGreaterThan(5);
    const next = await runCli(['verify', '--sandbox', 'local', 'content'], s.dir, s.tmp);
    expect(next.exitCode, next.all).toBe(0);
    expect(leftovers(s.tmp)).toEqual({ dirs: [], processes: [] });
    expect(mountsUnder(s.tmp)).toEqual([]);
  }, 120_000);
});
