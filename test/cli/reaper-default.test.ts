import { hostname } from 'node:os';
import { expect, it } from 'vitest';
import { docker } from '../../src/harness/sandbox/docker.ts';
import { dockerClientEnv } from '../../src/harness/sandbox/settings.ts';
import { localReaperImage } from '../../src/harness/sandbox/ryuk.ts';
import { projectPaths } from '../../src/harness/files/project.ts';
import { runCli, scratch, untilPassed } from '../helpers/cli.ts';
import { describeDocker, dockerLeftovers } from '../helpers/docker.ts';

/**
 * Ryuk is Testcontainers' convention, so it is on by default wherever it can
 * run, and `verify` says in one line who removes the containers. Nothing in
 * the environment asks for it here: the caller's TESTCONTAINERS_RYUK_DISABLED
 * is removed, and the engine has setup's stand-in (proven-runbooks/ryuk:local).
 * Other processes (other test files, a person's `verify`) may run reapers at
 * the same time: every check is scoped to the session of the run under test,
 * the id Testcontainers puts on the sandbox's containers and on their reaper.
 */
delete process.env.TESTCONTAINERS_RYUK_DISABLED;
delete process.env.RYUK_CONTAINER_IMAGE;
const image = localReaperImage(projectPaths().scripts);
const env = dockerClientEnv(process.env);
const FAST = { TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT: '2s' };
const runbook = (seconds: number): string =>
  `---\ntitle: Slow\n---\n\n\`\`\`bash run id=start\ncreatedb appdb\n\`\`\`\n\n\`\`\`bash run id=slow\nsleep ${seconds}\n\`\`\`\n`;

/** The images of the containers still labelled with a Testcontainers session. */
async function ofSession(session: string): Promise<string[]> {
  const listed = await docker(env, ['ps', '-a', '--format', '{{.Image}}', '--filter', `label=org.testcontainers.session-id=${session}`]);
  return listed.stdout.split('\n').filter(Boolean);
}

const isReaper = (i: string): boolean => i === image || i.startsWith('testcontainers/ryuk');

/**
 * Starts `verify` on a runbook whose second step sleeps, and once its first
 * step passed, notes its owner, its session and whether a reaper guards it.
 */
async function started(extraEnv: Record<string, string>, seconds: number) {
  const s = scratch();
  s.write('content/slow.md', runbook(seconds));
  const child = runCli(['verify', '--sandbox', 'docker', '--pg', '17', 'content'], s.dir, s.tmp, extraEnv);
  await untilPassed(child, 'start');
  const owner = `${hostname()}:${child.pid}`;
  const [id] = await dockerLeftovers({ owner });
  const session = (await docker(env, ['inspect', '--format', '{{index .Config.Labels "org.testcontainers.session-id"}}', id!])).stdout.trim();
  return { child, owner, session, guarded: (await ofSession(session)).some(isReaper) };
}

/** Waits for the reaper's reconnection timeout and removal, then returns what is left of the session. */
async function afterReaping(session: string): Promise<string[]> {
  const deadline = Date.now() + 25_000;
  for (;;) {
    const left = await ofSession(session);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describeDocker('who removes the containers, by default', () => {
  it('is Ryuk, with the image the engine has; verify says so, and nothing is left after a pass', async () => {
    const run = await started(FAST, 1);
    const result = await run.child;
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toContain(`\ncontainers: cleaned up by Ryuk (${image}), even if the harness is killed\n`);
    expect(run.guarded).toBe(true);
    expect(await dockerLeftovers({ owner: run.owner })).toEqual([]);
    // The reaper itself goes once the harness has gone.
    expect(await afterReaping(run.session)).toEqual([]);
  });

  it('removes the containers of a harness killed outright without any later run', async () => {
    const run = await started(FAST, 60);
    expect(await dockerLeftovers({ owner: run.owner })).toHaveLength(1);
    run.child.kill('SIGKILL');
    await run.child.catch(() => undefined);
    // No run of ours follows: whatever disappears now was removed by the reaper.
    expect(await afterReaping(run.session)).toEqual([]);
    expect(await dockerLeftovers({ owner: run.owner })).toEqual([]);
  });

  /** Interrupts a started run: what it printed, whether a reaper guarded it, what is left. */
  async function interrupted(extraEnv: Record<string, string>): Promise<{ output: string; guarded: boolean; left: string[] }> {
    const run = await started(extraEnv, 60);
    run.child.kill('SIGINT');
    const result = await run.child;
    expect(result.exitCode).toBe(130);
    return { output: result.all, guarded: run.guarded, left: await dockerLeftovers({ owner: run.owner }) };
  }

  it("falls back to the harness's own reaper, saying why, when no Ryuk image can be had (one fast pull)", async () => {
    const run = await interrupted({ RYUK_CONTAINER_IMAGE: 'proven-runbooks/ryuk:absent' });
    expect(run.output).toMatch(/\ncontainers: Ryuk unavailable \(no proven-runbooks\/ryuk:absent image, and pulling proven-runbooks\/ryuk:absent failed: .*\): the harness's own reaper removes them\n/);
    expect(run).toMatchObject({ guarded: false, left: [] });
  });

  it("is the caller's to switch off: TESTCONTAINERS_RYUK_DISABLED=true wins", async () => {
    const run = await interrupted({ TESTCONTAINERS_RYUK_DISABLED: 'true' });
    expect(run.output).toContain("\ncontainers: Ryuk off (TESTCONTAINERS_RYUK_DISABLED=true): the harness's own reaper removes them\n");
    expect(run).toMatchObject({ guarded: false, left: [] });
  });
});
