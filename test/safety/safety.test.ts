import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgres } from '../../src/harness/sandbox/postgres-binaries.ts';
import { osUser } from '../../src/harness/sandbox/os-user.ts';
import { runCli, scratch } from '../helpers/cli.ts';
import { describeDocker } from '../helpers/docker.ts';

/**
 * A "production" database the harness did not create: TCP on 127.0.0.1 and a
 * socket in /tmp, trust authentication, every connection logged. Runbooks then
 * try every way we know to reach it; it must see no connection at all.
 */
const PORT = 6000 + (process.pid % 2000);
let victim: { dir: string; env: Record<string, string>; log: string; spawn: object };

async function victimSql(sql: string): Promise<string> {
  const result = await execa('psql', ['-X', '-At', '-h', '127.0.0.1', '-p', String(PORT), '-U', 'postgres', '-d', 'postgres', '-c', sql], { env: victim.env, extendEnv: false });
  return result.stdout.trim();
}

beforeAll(async () => {
  const install = await findPostgres({ path: process.env.PATH ?? '' });
  const user = await osUser();
  const dir = mkdtempSync(join(tmpdir(), 'rb-victim-'));
  chmodSync(dir, 0o755);
  if (user.uid !== undefined) await execa('chown', [`${user.uid}:${user.gid}`, dir]);
  const env = { PATH: `${install.binDir}:/usr/bin:/bin`, LANG: 'C.UTF-8', HOME: dir };
  victim = { dir, env, log: join(dir, 'server.log'), spawn: user.spawnIds };
  const run = (args: string[]) => execa(args[0]!, args.slice(1), { env, extendEnv: false, cwd: dir, ...user.spawnIds });
  await run(['initdb', '-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync']);
  await run(['pg_ctl', '-D', join(dir, 'data'), '-l', victim.log, '-w', 'start', '-o',
    `-p ${PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp -c log_connections=on`]);
  await victimSql('create table precious as select generate_series(1, 42) as id');
}, 60_000);

afterAll(async () => {
  await execa('pg_ctl', ['-D', join(victim.dir, 'data'), '-m', 'immediate', 'stop'], { env: victim.env, extendEnv: false, reject: false, ...victim.spawn });
  rmSync(victim.dir, { recursive: true, force: true });
});

const connections = (): number => readFileSync(victim.log, 'utf8').split('\n').filter((l) => l.includes('connection received')).length;

function hostileRunbook(): string {
  const attempt = (id: string, command: string) => `\`\`\`bash run id=${id} exit=nonzero\n${command}\n\`\`\`\n`;
  return [
    '---', 'title: Attempts to reach a database the harness did not create', '---', '',
    attempt('tcp-loopback', `psql -X -h 127.0.0.1 -p ${PORT} -U postgres -c 'drop table precious'`),
    attempt('tcp-localhost-uri', `psql -X "postgresql://postgres@localhost:${PORT}/postgres" -c 'drop table precious'`),
    attempt('unix-socket-in-tmp', `PGHOST=/tmp PGPORT=${PORT} psql -X -c 'drop table precious'`),
    attempt('export-pghost', `export PGHOST=127.0.0.1 PGPORT=${PORT}\npsql -X -c 'drop table precious'`),
    attempt('caller-pgpass', `cat "${victim.dir}/caller-home/.pgpass" 2>/dev/null | grep -q secret && psql -X -h 127.0.0.1 -p ${PORT} -c 'select 1'`),
    '```bash run id=own-server-still-fine role=drill\nunset PGHOST PGPORT; export PGHOST="$SANDBOX_DIR/run" PGPORT=5432; psql -X -At -c "select 1"\n```\n',
  ].join('\n');
}

async function attack(sandbox: string[]): Promise<void> {
  const s = scratch();
  s.write('content/hostile.md', hostileRunbook());
  // The caller's own environment points at the victim, with a password file, as an operator's laptop might.
  mkdirSync(join(victim.dir, 'caller-home'), { recursive: true });
  writeFileSync(join(victim.dir, 'caller-home', '.pgpass'), `127.0.0.1:${PORT}:*:postgres:secret\n`, { mode: 0o600 });
  const before = connections();
  const result = await runCli(['verify', ...sandbox, 'content'], s.dir, s.tmp);
  expect(result.exitCode, result.all).toBe(0);
  expect(result.all).toMatch(/Steps: {4}6 passed, 0 failed/);
  const reached = connections() - before;
  expect(reached).toBe(0);
  expect(await victimSql('select count(*) from precious')).toBe('42');
  console.info(`safety (${sandbox.join(' ')}): 5 attempts from steps (TCP, URI, /tmp socket, exported PGHOST, the caller's .pgpass) with the caller's PGHOST/PGPORT/DATABASE_URL set: all failed; the other server saw ${reached} connections and still has its 42 rows`);
}

describe('the harness never touches a database it did not create', () => {
  it('refuses frontmatter that tries to point a runbook elsewhere, before running anything', async () => {
    const s = scratch();
    s.write('content/elsewhere.md', `---\ntitle: Elsewhere\nrunbook:\n  host: 127.0.0.1\n  port: ${PORT}\n---\n\n\`\`\`bash run\npsql -c 'drop table precious'\n\`\`\`\n`);
    const result = await runCli(['verify', '--sandbox', 'local', 'content'], s.dir, s.tmp);
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain('content/elsewhere.md:4:3: Unknown runbook setting `host`');
    expect(result.all).toContain('content/elsewhere.md:5:3: Unknown runbook setting `port`');
  });

  it('local sandbox: TCP, URIs, /tmp sockets, exported PGHOST and the caller\'s .pgpass all fail to reach it', async () => {
    const user = await osUser();
    // Without root there is no private network namespace for the local sandbox; the container sandbox has one.
    expect(user.uid, 'the local isolation test runs as root (CI does)').toBeDefined();
    const saved = { ...process.env };
    Object.assign(process.env, { PGHOST: '127.0.0.1', PGPORT: String(PORT), DATABASE_URL: `postgresql://postgres@127.0.0.1:${PORT}/postgres`, HOME: join(victim.dir, 'caller-home') });
    try {
      await attack(['--sandbox', 'local']);
    } finally {
      process.env = saved;
    }
  });
});

describeDocker('the container sandbox never touches a database it did not create', () => {
  it('TCP, URIs, /tmp sockets and exported PGHOST all fail to reach it', async () => {
    await attack(['--sandbox', 'docker', '--pg', '15']);
  });
});
