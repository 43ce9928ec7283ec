import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { afterAll, expect, it, onTestFinished } from 'vitest';
import type { Sandbox, StartedSandbox } from '../../src/harness/sandbox/types.ts';
import { findPostgres } from '../../src/harness/sandbox/postgres-binaries.ts';
import { LocalClusterSandbox } from '../../src/harness/sandbox/local-cluster.ts';
import { ContainerSandbox } from '../../src/harness/sandbox/container.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';
import { ShellSession } from '../../src/harness/execute/session.ts';
import { processesOf } from '../../src/harness/sandbox/processes.ts';
import { projectPaths } from '../../src/harness/files/project.ts';
import { describeDocker, dockerEnv, dockerLeftovers } from '../helpers/docker.ts';
import { docker, LABEL, OWNER_LABEL } from '../../src/harness/sandbox/docker.ts';
import { describe } from 'vitest';

const scriptsDir = projectPaths().scripts;

/** One contract, two implementations: whatever a runbook relies on must hold for both. */
const implementations: { name: string; suite: (name: string, body: () => void) => void; make: () => Promise<Sandbox>; gone: (s: StartedSandbox) => Promise<unknown[]> }[] = [
  {
    name: 'local cluster', suite: describe,
    make: async () => new LocalClusterSandbox({ install: await findPostgres({ path: process.env.PATH ?? '' }), scriptsDir, settings: sandboxSettings(process.env) }),
    gone: async (s) => [...processesOf(s.id, s.stepEnv.SANDBOX_DIR), ...(existsSync(s.stepEnv.SANDBOX_DIR!) ? [s.stepEnv.SANDBOX_DIR] : [])],
  },
  {
    name: 'container', suite: describeDocker,
    make: async () => new ContainerSandbox({ major: 17, scriptsDir, settings: sandboxSettings(process.env) }),
    gone: (s) => dockerLeftovers({ sandboxId: s.id }),
  },
  {
    // As verify uses it: one recipe for the whole suite, so each test's sandbox is a fresh cluster in the last test's container.
    name: 'container kept between runs', suite: describeDocker,
    make: async () => kept,
    gone: async () => {
      const left: string[] = [];
      const pooled = await docker(dockerEnv, ['ps', '-q', '--filter', `label=${LABEL}=pool`, '--filter', `label=${OWNER_LABEL}=${hostname()}:${process.pid}`]);
      for (const id of pooled.stdout.split('\n').filter(Boolean)) {
        const inside = await docker(dockerEnv, ['exec', id, 'bash', '-c', 'pgrep -u postgres -a; ls -A /sandbox /tmp']);
        if (inside.stdout.replace(/^\/(sandbox|tmp):$/gm, '').trim()) left.push(`${id}: ${inside.stdout.trim()}`);
      }
      return left;
    },
  },
];
const kept = new ContainerSandbox({ major: 17, scriptsDir, settings: sandboxSettings(process.env), reuse: true });
afterAll(async () => {
  await kept.close();
  expect(await dockerLeftovers({ owner: `${hostname()}:${process.pid}` })).toEqual([]);
});

async function session(started: StartedSandbox): Promise<ShellSession> {
  const shell = await ShellSession.open(started.shell());
  onTestFinished(() => shell.close());
  return shell;
}

for (const impl of implementations) {
  impl.suite(`the sandbox contract: ${impl.name}`, () => {
    it('starts a brand-new server on a unix socket only, and reports its exact version', async () => {
      await using started = await (await impl.make()).start();
      const shell = await session(started);
      const result = await shell.run("psql -X -At -c \"select current_setting('listen_addresses'), version(), count(*) from pg_database\"", 20_000);
      expect(result.exitCode, result.stderr).toBe(0);
      const [listen, version, databases] = result.stdout.trim().split('|');
      expect(listen).toBe('');
      expect(version).toBe(started.server.version);
      expect(databases).toBe('3');
    });

    it("gives steps exactly the sandbox's environment, never the caller's PG* variables", async () => {
      const saved = { ...process.env };
      onTestFinished(() => { process.env = saved; });
      Object.assign(process.env, { PGPASSWORD: 'caller-secret', PGSERVICE: 'prod', DATABASE_URL: 'postgres://caller-secret@prod.example/db', PGHOST: 'prod.example' });
      await using started = await (await impl.make()).start();
      const shell = await session(started);
      const env = await shell.run('env | sort', 10_000);
      expect(env.stdout).not.toMatch(/caller-secret|prod\.example|^PGPASSWORD=|^PGSERVICE=|^DATABASE_URL=/m);
      const names = env.stdout.trim().split('\n').map((l) => l.split('=')[0]).filter((n) => n !== '_' && n !== 'PWD' && n !== 'SHLVL' && n !== 'OLDPWD');
      expect(names.sort()).toEqual(Object.keys(started.stepEnv).sort());
      const who = await shell.run('id -un; pwd; test -x "$RUNBOOK_SCRIPTS/pg-fingerprint" && test -r "$RUNBOOK_FIXTURES/app.sql" && echo tools', 10_000);
      expect(who.stdout).toBe(`${started.stepEnv.USER}\n${started.stepEnv.SANDBOX_DIR}/work\ntools\n`);
    });

    it('lets a step reconfigure and restart the server without losing the sandbox', async () => {
      await using started = await (await impl.make()).start();
      const shell = await session(started);
      const restart = await shell.run([
        "psql -X -q -c \"alter system set archive_mode = 'on'\" -c \"alter system set archive_command = '/bin/true'\"",
        'pg_ctl -D "$PGDATA" -l "$SERVER_LOG" -w restart > /dev/null',
        'psql -X -At -c "show archive_mode"',
      ].join('\n'), 60_000);
      expect(restart, restart.stderr).toMatchObject({ exitCode: 0, stdout: 'on\n' });
      await started.checkIdentity();
    });

    it('removes every trace when stopped, even with a second server and a daemon running', async () => {
      const started = await (await impl.make()).start();
      onTestFinished(() => started.stop());
      const shell = await session(started);
      const extra = await shell.run([
        'initdb -D "$SANDBOX_DIR/second" -U postgres -A trust --no-sync > /dev/null',
        `pg_ctl -D "$SANDBOX_DIR/second" -l "$SANDBOX_DIR/second.log" -o "-p 5499 -c listen_addresses='' -c unix_socket_directories='$PGHOST'" -w start > /dev/null`,
        'nohup sleep 600 > /dev/null 2>&1 &',
      ].join('\n'), 60_000);
      expect(extra.exitCode, extra.stderr).toBe(0);
      await shell.close();
      await started.stop();
      expect(await impl.gone(started)).toEqual([]);
    });

    it("runs a step on another server's machine, where that server is the default and the primary is a host away", async () => {
      const probe = await (await impl.make()).start();
      const major = probe.server.major;
      await probe.stop();
      await using started = await (await impl.make()).start({ servers: [{ name: 'standby', major }] });
      const primary = await session(started);
      expect((await primary.run('psql -X -q -c "create table on_primary ()"', 20_000)).exitCode).toBe(0);
      const standby = await ShellSession.open(started.shell('standby'));
      onTestFinished(() => standby.close());
      const here = await standby.run([
        'psql -X -At -c "select to_regclass(\'on_primary\') is null, current_setting(\'data_directory\') = \'$PGDATA\'"',
        'psql -X -At -h "$PRIMARY_PGHOST" -p "$PRIMARY_PGPORT" -c "select to_regclass(\'on_primary\') is not null"',
      ].join('\n'), 20_000);
      expect(here.exitCode, here.stderr).toBe(0);
      expect(here.stdout).toBe('t|t\nt\n');
      expect(() => started.shell('nowhere')).toThrow(/no server `nowhere`/);
    });

    it('copies the backup directory out for inspection', async () => {
      await using started = await (await impl.make()).start();
      const shell = await session(started);
      const dump = await shell.run('pg_dump -Fc -f "$BACKUP_DIR/postgres.dump" postgres && mkdir "$BACKUP_DIR/sub" && echo hi > "$BACKUP_DIR/sub/note.txt"', 30_000);
      expect(dump.exitCode, dump.stderr).toBe(0);
      const target = mkdtempSync(join(tmpdir(), 'rb-copy-'));
      onTestFinished(() => rmSync(target, { recursive: true, force: true }));
      await started.copyBackupsOut(target);
      expect(readFileSync(join(target, 'postgres.dump')).subarray(0, 5).toString()).toBe('PGDMP');
      expect(readFileSync(join(target, 'sub', 'note.txt'), 'utf8')).toBe('hi\n');
    });

    it('gives a runbook that asks for it a small filesystem that really fills up', async () => {
      const started = await (await impl.make()).start({ smallDiskMiB: 8 });
      onTestFinished(() => started.stop());
      const shell = await session(started);
      const fill = await shell.run('dd if=/dev/zero of="$SMALL_DISK/big" bs=1M count=20 2>&1; df -m "$SMALL_DISK" | tail -1', 30_000);
      expect(fill.stdout).toContain('No space left on device');
      expect(fill.stdout).toMatch(/\s8\s+8\s+0\s+100%/);
      await shell.close();
      await started.stop();
      expect(await impl.gone(started)).toEqual([]);
    });

    it('notices when the server at its address is not its own', async () => {
      await using started = await (await impl.make()).start();
      const shell = await session(started);
      const swap = await shell.run([
        'pg_ctl -D "$PGDATA" -m immediate -w stop > /dev/null',
        'initdb -D "$SANDBOX_DIR/impostor" -U postgres -A trust --no-sync > /dev/null',
        `pg_ctl -D "$SANDBOX_DIR/impostor" -l "$SANDBOX_DIR/impostor.log" -o "-p $PGPORT -c listen_addresses='' -c unix_socket_directories='$PGHOST'" -w start > /dev/null`,
      ].join('\n'), 60_000);
      expect(swap.exitCode, swap.stderr).toBe(0);
      await expect(started.checkIdentity()).rejects.toThrow(/is not the sandbox's own/);
    });
  });
}
