import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findPostgres } from '../../src/harness/sandbox/postgres-binaries.ts';
import { LocalClusterSandbox } from '../../src/harness/sandbox/local-cluster.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';
import { ShellSession } from '../../src/harness/execute/session.ts';
import { processesOf } from '../../src/harness/sandbox/processes.ts';
import { SANDBOX_PREFIX } from '../../src/harness/sandbox/stale.ts';
import { projectPaths } from '../../src/harness/files/project.ts';
import { osUser } from '../../src/harness/sandbox/os-user.ts';

/** Each test gets its own parent directory, so counting leftovers never sees another test's sandbox. */
async function sandboxIn(): Promise<{ sandbox: LocalClusterSandbox; base: string }> {
  const base = mkdtempSync(join(tmpdir(), 'rb-test-'));
  // The sandbox user (postgres, when tests run as root) must be able to enter it.
  await execa('chmod', ['755', base]);
  onTestFinished(() => rmSync(base, { recursive: true, force: true }));
  const install = await findPostgres({ path: process.env.PATH ?? '' });
  return { sandbox: new LocalClusterSandbox({ install, scriptsDir: projectPaths().scripts, baseDir: base, settings: sandboxSettings(process.env) }), base };
}

describe('the local cluster sandbox', () => {
  it('starts a brand-new server that answers on its own unix socket only', async () => {
    const { sandbox } = await sandboxIn();
    await using started = await sandbox.start();
    const shell = await ShellSession.open(started.shell());
    onTestFinished(() => shell.close());
    const result = await shell.run("psql -X -At -c \"select current_setting('listen_addresses') = '', count(*) from pg_database where datname not in ('postgres','template0','template1')\"", 10_000);
    expect(result).toMatchObject({ exitCode: 0, stdout: 't|0\n' });
    expect(started.server.major).toBeGreaterThanOrEqual(13);
    expect(started.server.version).toMatch(/^PostgreSQL \d+/);
    expect(started.stepEnv.PGHOST!.startsWith(started.stepEnv.SANDBOX_DIR!)).toBe(true);
  });

  it("never passes the caller's PG* variables, DATABASE_URL, ~/.pgpass or service files to a step", async () => {
    const { sandbox, base } = await sandboxIn();
    const fakeHome = join(base, 'caller-home');
    mkdirSync(fakeHome);
    writeFileSync(join(fakeHome, '.pgpass'), '*:*:*:*:caller-secret\n');
    const saved = { ...process.env };
    onTestFinished(() => { process.env = saved; });
    Object.assign(process.env, {
      PGHOST: 'production.example', PGPORT: '6543', PGUSER: 'admin', PGPASSWORD: 'caller-secret', PGDATABASE: 'prod',
      PGSERVICE: 'prod', PGSERVICEFILE: join(fakeHome, '.pg_service.conf'), PGPASSFILE: join(fakeHome, '.pgpass'),
      DATABASE_URL: 'postgres://admin:caller-secret@production.example/prod', HOME: fakeHome,
    });
    await using started = await sandbox.start();
    const shell = await ShellSession.open(started.shell());
    onTestFinished(() => shell.close());
    const env = await shell.run('env', 5_000);
    expect(env.stdout).not.toContain('caller-secret');
    expect(env.stdout).not.toContain('production.example');
    expect(env.stdout).not.toContain(fakeHome);
    expect(env.stdout).not.toMatch(/^(PGPASSWORD|PGSERVICE|DATABASE_URL)=/m);
    expect(env.stdout).toContain(`PGHOST=${started.stepEnv.PGHOST}`);
    expect(env.stdout).toContain(`HOME=${started.stepEnv.HOME}`);
    const who = await shell.run('psql -X -At -c "select current_user, current_database()"', 5_000);
    expect(who.stdout).toBe('postgres|postgres\n');
  });

  it('removes the server, its processes and every file when stopped', async () => {
    const { sandbox, base } = await sandboxIn();
    const started = await sandbox.start();
    onTestFinished(() => started.stop());
    const shell = await ShellSession.open(started.shell());
    // A second server and a stray daemon, as a runbook might leave them.
    const second = await shell.run([
      'initdb -D "$SANDBOX_DIR/second" -U postgres -A trust --no-sync >/dev/null',
      `pg_ctl -D "$SANDBOX_DIR/second" -l "$SANDBOX_DIR/second.log" -o "-p 5499 -c listen_addresses='' -c unix_socket_directories='$PGHOST'" -w start >/dev/null`,
      'nohup sleep 600 >/dev/null 2>&1 &',
    ].join('\n'), 60_000);
    expect(second.exitCode).toBe(0);
    // Two servers (postmaster + 5 helpers each), the shell and the sleeper.
    const before = processesOf(started.id, started.stepEnv.SANDBOX_DIR);
    await shell.close();
    await started.stop();
    expect(before.length).toBeGreaterThanOrEqual(12);
    expect(processesOf(started.id, started.stepEnv.SANDBOX_DIR)).toEqual([]);
    expect(readdirSync(base).filter((n) => n.startsWith(SANDBOX_PREFIX))).toEqual([]);
  });

  it('cleans up when the start itself fails', async () => {
    const base = mkdtempSync(join(tmpdir(), 'rb-test-'));
    onTestFinished(() => rmSync(base, { recursive: true, force: true }));
    const install = await findPostgres({ path: process.env.PATH ?? '' });
    const missingScripts = join(base, 'no-such-scripts');
    const sandbox = new LocalClusterSandbox({ install, scriptsDir: missingScripts, baseDir: base, settings: sandboxSettings(process.env) });
    await expect(sandbox.start()).rejects.toThrow();
    expect(readdirSync(base).filter((n) => n.startsWith(SANDBOX_PREFIX))).toEqual([]);
  });

  it('stops when interrupted during start, leaving nothing', async () => {
    const { sandbox, base } = await sandboxIn();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(sandbox.start({ signal: controller.signal })).rejects.toThrow(/Interrupted/);
    expect(readdirSync(base).filter((n) => n.startsWith(SANDBOX_PREFIX))).toEqual([]);
  });

  it('refuses to run steps against a server it did not create', async () => {
    const { sandbox } = await sandboxIn();
    await using started = await sandbox.start();
    // Another cluster takes over the sandbox's socket: the identity check must notice.
    await execa('pg_ctl', ['-D', started.stepEnv.PGDATA!, '-m', 'immediate', '-w', 'stop'], {
      env: started.stepEnv, extendEnv: false, ...(await osUser()).spawnIds,
    });
    const shell = await ShellSession.open(started.shell());
    onTestFinished(() => shell.close());
    const impostor = await shell.run([
      'initdb -D "$SANDBOX_DIR/impostor" -U postgres -A trust --no-sync >/dev/null',
      `pg_ctl -D "$SANDBOX_DIR/impostor" -l "$SANDBOX_DIR/impostor.log" -o "-c listen_addresses='' -c unix_socket_directories='$PGHOST'" -w start >/dev/null`,
    ].join('\n'), 60_000);
    expect(impostor.exitCode).toBe(0);
    await expect(started.checkIdentity()).rejects.toThrow(/is not the sandbox's own/);
  });

  it('sweeps sandboxes left behind by a harness that died', async () => {
    const { sandbox, base } = await sandboxIn();
    const started = await sandbox.start();
    onTestFinished(() => started.stop());
    // Pretend the owner died: point the owner file at a pid that cannot exist.
    const root = started.stepEnv.SANDBOX_DIR!;
    writeFileSync(join(root, '.owner.json'), JSON.stringify({ pid: 2 ** 22 + 1, sandboxId: started.id }));
    await using next = await sandbox.start();
    expect(existsSync(root)).toBe(false);
    expect(processesOf(started.id, started.stepEnv.SANDBOX_DIR)).toEqual([]);
    expect(next.id).not.toBe(started.id);
  });
});
