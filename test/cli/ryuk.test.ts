import { hostname } from 'node:os';
import { expect, it } from 'vitest';
import { docker } from '../../src/harness/sandbox/docker.ts';
import { dockerClientEnv } from '../../src/harness/sandbox/settings.ts';
import { localReaperImage } from '../../src/harness/sandbox/ryuk.ts';
import { projectPaths } from '../../src/harness/files/project.ts';
import { mutate, runCli, scratch, untilPassed } from '../helpers/cli.ts';
import { describeDocker, dockerLeftovers } from '../helpers/docker.ts';

/**
 * The same promises as docker.test.ts, with Testcontainers' reaper switched on:
 * nothing is left after a passing, a failing or an interrupted run, and the
 * containers and network of a harness killed outright are removed by Ryuk
 * itself, without any later run of ours. The engine has no registry, so the
 * reaper is the protocol-compatible image built by scripts/images/reaper/build.sh.
 */
const RECONNECT_SECONDS = 2;
const RYUK_ON = { TESTCONTAINERS_RYUK_DISABLED: 'false', TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT: `${RECONNECT_SECONDS}s` };
const image = localReaperImage(projectPaths().scripts);
const SLOW = (seconds: number, extra = ''): string =>
  `---\ntitle: Slow\n${extra}---\n\n\`\`\`bash run id=start\ncreatedb appdb\n\`\`\`\n\n\`\`\`bash run id=slow\nsleep ${seconds}\n\`\`\`\n`;

/**
 * The containers of one Testcontainers session (the sandbox's and its reaper's carry the same id), so
 * that reapers of other processes (other test files, with Ryuk on by default) do not count.
 */
async function ofSession(session: string): Promise<string[]> {
  const listed = await docker(dockerClientEnv(process.env), ['ps', '-a', '--format', '{{.Image}}', '--filter', `label=org.testcontainers.session-id=${session}`]);
  return listed.stdout.split('\n').filter(Boolean);
}
const isReaper = (i: string): boolean => i === image || i.startsWith('testcontainers/ryuk');

/** Once `stepId` passed: the run's owner label and its Testcontainers session. */
async function sessionOf(child: ReturnType<typeof runCli>, stepId: string): Promise<{ owner: string; session: string }> {
  await untilPassed(child, stepId);
  const owner = `${hostname()}:${child.pid}`;
  const [id] = await dockerLeftovers({ owner });
  const session = (await docker(dockerClientEnv(process.env), ['inspect', '--format', '{{index .Config.Labels "org.testcontainers.session-id"}}', id!])).stdout.trim();
  return { owner, session };
}

/** Waits for Ryuk's reconnection timeout and removal to pass, then returns what is still there. */
async function afterReaping(owner: string, session: string): Promise<{ sandbox: string[]; reapers: string[] }> {
  const deadline = Date.now() + (RECONNECT_SECONDS + 20) * 1000;
  for (;;) {
    const state = { sandbox: await dockerLeftovers({ owner }), reapers: (await ofSession(session)).filter(isReaper) };
    if ((state.sandbox.length === 0 && state.reapers.length === 0) || Date.now() > deadline) return state;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describeDocker('runbooks verify --sandbox docker with Ryuk on', () => {
  it('has the reaper image built by setup', async () => {
    expect((await docker(dockerClientEnv(process.env), ['image', 'inspect', image])).exitCode, `${image} missing: bash scripts/images/reaper/build.sh`).toBe(0);
  });

  it('passes a runbook under a reaper, and leaves neither sandbox nor reaper behind', async () => {
    const s = scratch();
    s.copy('content/backup/plain-sql-dump.md');
    const child = runCli(['verify', '--sandbox', 'docker', '--pg', '15', 'content'], s.dir, s.tmp, RYUK_ON);
    const { owner, session } = await sessionOf(child, 'seed');
    const result = await child;
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toContain(`Ryuk on (${image})`);
    expect(await afterReaping(owner, session)).toEqual({ sandbox: [], reapers: [] });
  });

  it('fails a broken runbook and leaves nothing behind', async () => {
    const s = scratch();
    const file = s.copy('content/backup/plain-sql-dump.md');
    mutate(file, 'pg_dump --dbname=appdb --format=plain', 'pg_dump --dbname=appdb --formatt=plain');
    const child = runCli(['verify', '--sandbox', 'docker', '--pg', '13', 'content'], s.dir, s.tmp, RYUK_ON);
    const { owner, session } = await sessionOf(child, 'seed');
    const result = await child;
    expect(result.exitCode).toBe(1);
    expect(result.all).toMatch(/pg_dump: (error: )?unrecognized option '--formatt=plain'/);
    expect(await afterReaping(owner, session)).toEqual({ sandbox: [], reapers: [] });
  });

  it('stops on SIGINT and leaves nothing behind', async () => {
    const s = scratch();
    s.write('content/slow.md', SLOW(60));
    const child = runCli(['verify', '--sandbox', 'docker', '--pg', '17', 'content'], s.dir, s.tmp, RYUK_ON);
    const { owner, session } = await sessionOf(child, 'start');
    const during = { sandbox: await dockerLeftovers({ owner }), reapers: (await ofSession(session)).filter(isReaper) };
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(130);
    expect(during.sandbox).toHaveLength(1);
    expect(during.reapers).toHaveLength(1);
    expect(await afterReaping(owner, session)).toEqual({ sandbox: [], reapers: [] });
  });

  it('is cleaned up by the reaper alone when the harness is killed outright', async () => {
    const s = scratch();
    // Two servers: two containers, their private network and the $SHARED_DIR volume, all four for Ryuk to remove.
    s.write('content/slow.md', SLOW(60, 'runbook:\n  servers:\n    old: 13\n'));
    const child = runCli(['verify', '--sandbox', 'docker', '--pg', '15', 'content'], s.dir, s.tmp, RYUK_ON);
    const { owner, session } = await sessionOf(child, 'start');
    const before = await dockerLeftovers({ owner });
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    expect(before).toHaveLength(4);
    // No run of ours follows: whatever disappears now was removed by the reaper.
    expect(await afterReaping(owner, session)).toEqual({ sandbox: [], reapers: [] });
  });
});
