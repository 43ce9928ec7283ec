import { hostname } from 'node:os';
import { expect, it } from 'vitest';
import { ContainerSandbox } from '../../src/harness/sandbox/container.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';
import { ShellSession } from '../../src/harness/execute/session.ts';
import type { StartedSandbox } from '../../src/harness/sandbox/types.ts';
import { projectPaths } from '../../src/harness/files/project.ts';
import { describeDocker, dockerLeftovers } from '../helpers/docker.ts';

const scriptsDir = projectPaths().scripts;
const settings = sandboxSettings(process.env);
const owner = `${hostname()}:${process.pid}`;

/** Runs `script` in the sandbox's step shell and returns its stdout. */
async function inShell(sandbox: StartedSandbox, script: string): Promise<string> {
  const shell = await ShellSession.open(sandbox.shell());
  try {
    const result = await shell.run(script, 20_000);
    expect(result.exitCode, result.stderr).toBe(0);
    return result.stdout;
  } finally {
    await shell.close();
  }
}

/**
 * Two runs, one after the other, of one recipe that keeps its container
 * (as verify uses it); `first` and `second` each get a started sandbox. The
 * recipe is closed at the end and nothing of this process may be left.
 */
async function twoRuns(kept: ContainerSandbox, first: (s: StartedSandbox) => Promise<void>, second: (s: StartedSandbox) => Promise<void>): Promise<void> {
  try {
    const one = await kept.start();
    try {
      await first(one);
    } finally {
      await one.stop();
    }
    const two = await kept.start();
    try {
      await second(two);
    } finally {
      await two.stop();
    }
  } finally {
    await kept.close();
  }
  expect(await dockerLeftovers({ owner })).toEqual([]);
}

/** The container a run is in (its hostname is the container's id) and the server's identity. */
const whereAmI = 'hostname; psql -X -At -c "select pg_postmaster_start_time(), (select count(*) from pg_database)"';

describeDocker('containers kept between runs (reuse)', () => {
  it('gives the next run a brand-new cluster with nothing of the last run: files, processes, IPC, the server', async () => {
    let container = '';
    let server = '';
    await twoRuns(new ContainerSandbox({ major: 15, scriptsDir, settings, reuse: true }), async (first) => {
      [container = '', server = ''] = (await inShell(first, whereAmI)).trim().split('\n');
      // What a careless run leaves behind, everywhere the sandbox user can write inside the scratch mounts.
      await inShell(first, [
        'createdb leftover', 'echo x > /tmp/leftover', 'echo x > /var/tmp/leftover', 'echo x > /dev/shm/leftover', 'echo x > "$HOME/leftover"',
        '(setsid sleep 1000 > /dev/null 2>&1 &)', 'chmod 0700 "$SANDBOX_DIR/backups"',
      ].join('\n'));
    }, async (second) => {
      const [again, secondServer] = (await inShell(second, whereAmI)).trim().split('\n');
      expect(again, 'the container was not reused').toBe(container);
      expect(secondServer).not.toBe(server);
      expect(await inShell(second, [
        'psql -X -At -c "select count(*) from pg_database where datname = \'leftover\'"',
        'ls -A /tmp /var/tmp /dev/shm "$HOME" | grep -c leftover || true',
        'pgrep -u postgres -x sleep | wc -l',
        'stat -c %a "$SANDBOX_DIR/backups"',
      ].join('\n'))).toBe('0\n0\n0\n755\n');
    });
  });

  it('does not reuse a container a run changed outside the scratch mounts', async () => {
    let container = '';
    await twoRuns(new ContainerSandbox({ major: 15, scriptsDir, settings, reuse: true }), async (first) => {
      container = (await inShell(first, 'hostname')).trim();
      // The postgres user's home in the image is writable to it, and not a scratch mount.
      await inShell(first, 'touch /var/lib/postgresql/written-by-a-run');
    }, async (second) => {
      expect((await inShell(second, 'hostname')).trim()).not.toBe(container);
      expect(await inShell(second, 'ls /var/lib/postgresql/written-by-a-run 2>&1 || true')).toMatch(/No such file/);
    });
  });

  it('keeps $SANDBOX_DIR on disk when asked (RUNBOOKS_SANDBOX_ON_DISK=1), and still empties it between runs', async () => {
    await twoRuns(new ContainerSandbox({ major: 15, scriptsDir, settings: { ...settings, onDisk: true }, reuse: true }), async (first) => {
      expect(await inShell(first, 'stat -f -c %T "$SANDBOX_DIR" /tmp; echo x > "$BACKUP_DIR/leftover"')).toBe('overlayfs\ntmpfs\n');
    }, async (second) => {
      expect(await inShell(second, 'ls -A "$BACKUP_DIR" | wc -l')).toBe('0\n');
    });
  });
});
