import { hostname } from 'node:os';
import { expect, it } from 'vitest';
import { mutate, runCli, scratch, untilPassed } from '../helpers/cli.ts';
import { describeDocker, dockerLeftovers } from '../helpers/docker.ts';

describeDocker('runbooks verify --sandbox docker', () => {
  it('passes the upgrade runbook (13 → 17), prints the matrix, and leaves no container behind', async () => {
    const s = scratch();
    s.copy('content/restore/upgrade-major-version.md');
    const child = runCli(['verify', '--sandbox', 'docker', '--pg', '15,17', 'content', '--report', 'report.json'], s.dir, s.tmp);
    const result = await child;
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toContain("server `old`: PostgreSQL 13.");
    expect(result.all).toMatch(/content\/restore\/upgrade-major-version\.md\s+n\/a\s+✓ \d+\.\d+s/);
    expect(result.all).toMatch(/Runs: {5}1 passed, 0 failed \(1 runbook × version\)/);
    expect(await dockerLeftovers({ owner: `${hostname()}:${child.pid}` })).toEqual([]);
  });

  it('fails a broken runbook and still removes its containers', async () => {
    const s = scratch();
    const file = s.copy('content/backup/plain-sql-dump.md');
    mutate(file, 'pg_dump --dbname=appdb --format=plain', 'pg_dump --dbname=appdb --formatt=plain');
    const child = runCli(['verify', '--sandbox', 'docker', '--pg', '13', 'content'], s.dir, s.tmp);
    const result = await child;
    expect(result.exitCode).toBe(1);
    expect(result.all).toMatch(/pg_dump: (error: )?unrecognized option '--formatt=plain'/);
    expect(await dockerLeftovers({ owner: `${hostname()}:${child.pid}` })).toEqual([]);
  });

  it('removes the containers of a harness that was killed outright, on the next run', async () => {
    const s = scratch();
    s.write('content/slow.md', '---\ntitle: Slow\n---\n\n```bash run id=start\ncreatedb appdb\n```\n\n```bash run id=slow\nsleep 5\n```\n');
    const child = runCli(['verify', '--sandbox', 'docker', '--pg', '15', 'content'], s.dir, s.tmp);
    await untilPassed(child, 'start');
    const owner = `${hostname()}:${child.pid}`;
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    expect(await dockerLeftovers({ owner })).toHaveLength(1);
    const next = await runCli(['verify', '--sandbox', 'docker', '--pg', '15', 'content'], s.dir, s.tmp);
    expect(next.exitCode, next.all).toBe(0);
    expect(await dockerLeftovers({ owner })).toEqual([]);
  });

  it('removes every container of several runs when interrupted: the one in use, the kept ones, the one started ahead', async () => {
    const s = scratch();
    const page = (title: string, wait: number): string => `---\ntitle: ${title}\n---\n\n\`\`\`bash run id=start\ncreatedb appdb\n\`\`\`\n\n\`\`\`bash run id=wait\nsleep ${wait}\n\`\`\`\n`;
    s.write('content/a.md', page('A', 0));
    s.write('content/b.md', page('B', 0));
    s.write('content/c.md', page('Slow', 60));
    s.write('content/d.md', page('D', 0));
    const child = runCli(['verify', '--sandbox', 'docker', '--pg', '15', '--jobs', '1', 'content'], s.dir, s.tmp);
    await untilPassed(child, 'start', 3);
    const owner = `${hostname()}:${child.pid}`;
    // c's container, a kept one and d's, started ahead of its turn (which of them coincide depends on timing).
    const during = await dockerLeftovers({ owner });
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.all).toBe(130);
    expect(during.length).toBeGreaterThanOrEqual(2);
    expect(result.all).not.toContain('content/d.md —');
    expect(await dockerLeftovers({ owner })).toEqual([]);
  });

  it('removes its containers when interrupted with SIGINT', async () => {
    const s = scratch();
    s.write('content/slow.md', '---\ntitle: Slow\n---\n\n```bash run id=start\ncreatedb appdb\n```\n\n```bash run id=slow\nsleep 60\n```\n');
    const child = runCli(['verify', '--sandbox', 'docker', '--pg', '17', 'content'], s.dir, s.tmp);
    await untilPassed(child, 'start');
    const owner = `${hostname()}:${child.pid}`;
    const during = await dockerLeftovers({ owner });
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(during).toHaveLength(1);
    expect(await dockerLeftovers({ owner })).toEqual([]);
  });
});
