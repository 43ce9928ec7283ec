/**
 * Issue 17: a failover page runs on three machines (three containers on a
 * private network). Whatever ends the run - a pass, a failure, Ctrl-C or a
 * SIGKILL of the harness - no container, network, volume or `docker exec` client of
 * it is left once the harness (or, after a SIGKILL, its next run) is done.
 */
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import { expect, it } from 'vitest';
import { runCli, scratch, untilPassed } from '../helpers/cli.ts';
import { describeDocker, dockerEnv, dockerLeftovers } from '../helpers/docker.ts';
import { docker, OWNER_LABEL } from '../../src/harness/sandbox/docker.ts';

const page = (last: string): string => [
  '---', 'title: Three machines', 'runbook:', '  servers:', '    standby: same', '    witness: same', '---', '',
  // $SHARED_DIR: what one machine puts there, the others see (it stands in for scp).
  '```bash run id=start role=drill', 'createdb appdb', 'echo from-the-primary > "$SHARED_DIR/note"', '```', '',
  '```bash run id=on-standby server=standby', 'psql -X -At -h "$PRIMARY_PGHOST" -p "$PRIMARY_PGPORT" -c "select 1"', '```', '',
  '```text output', '1', '```', '',
  '```bash run id=on-witness role=drill server=witness', 'psql -X -At -h "$STANDBY_PGHOST" -p "$STANDBY_PGPORT" -c "select 2"', 'cat "$SHARED_DIR/note"', '```', '',
  '```text output', '2', 'from-the-primary', '```', '',
  `\`\`\`bash run id=last server=witness`, last, '```', '',
].join('\n');

/** `docker exec` clients on this machine still attached to one of these containers. */
function execClients(ids: string[]): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes('docker exec') && ids.some((id) => line.includes(id)));
}

/** Full container ids: `docker exec` clients name their container by it. */
async function containerIds(owner: string): Promise<string[]> {
  const listed = await docker(dockerEnv, ['ps', '-a', '-q', '--no-trunc', '--filter', `label=${OWNER_LABEL}=${owner}`]);
  return listed.stdout.split('\n').filter(Boolean);
}

/** `verify` of a three-machine page whose last step, on the third machine, is LAST. */
function verifyThree(last: string): { s: ReturnType<typeof scratch>; child: ReturnType<typeof runCli>; owner: () => string } {
  const s = scratch();
  s.write('content/three.md', page(last));
  const child = runCli(['verify', '--sandbox', 'docker', '--pg', '17', 'content'], s.dir, s.tmp);
  return { s, child, owner: () => `${hostname()}:${child.pid}` };
}

describeDocker('a three-machine run leaves nothing behind', () => {
  it('when it passes', async () => {
    const { child, owner } = verifyThree('echo done');
    const result = await child;
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/Steps: +4 passed, 0 failed/);
    expect(await dockerLeftovers({ owner: owner() })).toEqual([]);
  });

  it('when a step on the third machine fails', async () => {
    const { child, owner } = verifyThree('psql -X -At -c "select 1/0"');
    const result = await child;
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain('division by zero');
    expect(await dockerLeftovers({ owner: owner() })).toEqual([]);
  });

  it('when interrupted with SIGINT during a step on the third machine', async () => {
    const { child, owner } = verifyThree('sleep 60');
    await untilPassed(child, 'on-witness');
    const during = await dockerLeftovers({ owner: owner() });
    const ids = await containerIds(owner());
    expect(execClients(ids).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    // Three containers, their private network and the volume behind $SHARED_DIR.
    expect(during).toHaveLength(5);
    expect(await dockerLeftovers({ owner: owner() })).toEqual([]);
    expect(execClients(ids)).toEqual([]);
  });

  it('when the harness is killed outright, once its next run is done', async () => {
    const { s, child, owner } = verifyThree('sleep 60');
    await untilPassed(child, 'on-witness');
    const ids = await containerIds(owner());
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    expect(ids).toHaveLength(3);
    s.write('content/three.md', page('echo done'));
    const next = await runCli(['verify', '--sandbox', 'docker', '--pg', '17', 'content'], s.dir, s.tmp);
    expect(next.exitCode, next.all).toBe(0);
    // With Ryuk on, the reaper may be the one that removed them; either way, they are gone.
    await expect.poll(() => dockerLeftovers({ owner: owner() }), { timeout: 30_000 }).toEqual([]);
    await expect.poll(() => execClients(ids), { timeout: 10_000 }).toEqual([]);
  });
});
