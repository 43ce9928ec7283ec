import { expect, it, onTestFinished } from 'vitest';
import { ContainerSandbox } from '../../src/harness/sandbox/container.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';
import { ShellSession } from '../../src/harness/execute/session.ts';
import { docker, LABEL, OWNER_LABEL } from '../../src/harness/sandbox/docker.ts';
import { projectPaths } from '../../src/harness/files/project.ts';
import { describeDocker, dockerLeftovers } from '../helpers/docker.ts';

const scriptsDir = projectPaths().scripts;
const settings = sandboxSettings(process.env);

describeDocker('the container sandbox', () => {
  it('has no network at all: only the loopback interface', async () => {
    await using started = await new ContainerSandbox({ major: 15, scriptsDir, settings }).start();
    const shell = await ShellSession.open(started.shell());
    onTestFinished(() => shell.close());
    expect((await shell.run('ls /sys/class/net', 10_000)).stdout).toBe('lo\n');
    expect(started.server.source).toMatch(/postgres:15/);
  });

  it('gives a runbook a second server of another version on a private network, and removes both', async () => {
    const started = await new ContainerSandbox({ major: 17, scriptsDir, settings }).start({ servers: [{ name: 'old', major: 13 }] });
    onTestFinished(() => started.stop());
    expect(started.extraServers.old!.version).toMatch(/^PostgreSQL 13\./);
    const shell = await ShellSession.open(started.shell());
    const result = await shell.run('psql -X -At -h "$OLD_PGHOST" -p "$OLD_PGPORT" -c "show server_version"; psql -X -At -c "show server_version"', 20_000);
    expect(result.stdout).toMatch(/^13\.\d+.*\n17\.\d+/);
    const networks = await shell.run('ls /sys/class/net | sort', 10_000);
    expect(networks.stdout).toMatch(/^eth0\nlo\n$/);
    await shell.close();
    await started.stop();
    expect(await dockerLeftovers({ sandboxId: started.id })).toEqual([]);
  });

  it('removes containers and networks left by a harness that died', async () => {
    const id = `stale-${Date.now()}`;
    const dead = `${(await import('node:os')).hostname()}:${2 ** 22 + 7}`;
    const created = await docker(settings.docker, ['create', '--label', `${LABEL}=${id}`, '--label', `${OWNER_LABEL}=${dead}`, '--network', 'none', 'proven-runbooks/postgres:15-bookworm', 'true']);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(await dockerLeftovers({ sandboxId: id })).toHaveLength(1);
    await using started = await new ContainerSandbox({ major: 15, scriptsDir, settings }).start();
    expect(started.id).toBeTruthy();
    expect(await dockerLeftovers({ sandboxId: id })).toEqual([]);
  });

  it('leaves nothing when interrupted while starting', async () => {
    const controller = new AbortController();
    controller.abort();
    const sandbox = new ContainerSandbox({ major: 15, scriptsDir, settings });
    await expect(sandbox.start({ signal: controller.signal })).rejects.toThrow(/Interrupted/);
    const owner = `${(await import('node:os')).hostname()}:${process.pid}`;
    const mine = await docker(settings.docker, ['ps', '-a', '-q', '--filter', `label=${OWNER_LABEL}=${owner}`, '--filter', 'status=created']);
    expect(mine.stdout.trim()).toBe('');
  });
});
