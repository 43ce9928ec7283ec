import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leftovers, mutate, runCli, scratch } from '../helpers/cli.ts';

function lineOf(path: string, needle: string): number {
  return readFileSync(path, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('runbooks verify', () => {
  it('passes a runbook, writes a report with the exact text executed, and leaves nothing behind', async () => {
    const s = scratch();
    s.copy('content/backup/custom-format-parallel-restore.md');
    const result = await runCli(['verify', '--sandbox', 'local', 'content', '--report', 'out/report.json'], s.dir, s.tmp);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/Runs: {5}1 passed, 0 failed \(1 runbook × version\)/);
    expect(result.all).toMatch(/Steps: {4}11 passed, 0 failed, 0 not run/);
    const report = JSON.parse(readFileSync(join(s.dir, 'out/report.json'), 'utf8'));
    const runbook = report.runbooks[0];
    expect(runbook).toMatchObject({ file: 'content/backup/custom-format-parallel-restore.md', status: 'passed', sandbox: 'local' });
    expect(runbook.server.version).toMatch(/^PostgreSQL \d+\.\d+/);
    const dump = runbook.steps.find((st: { id: string }) => st.id === 'dump');
    expect(dump).toMatchObject({
      status: 'passed', exitCode: 0, line: lineOf(join(s.dir, runbook.file), 'run id=dump') ,
      executed: 'pg_dump --dbname=appdb --format=custom --file="$BACKUP_DIR/appdb.dump"',
    });
    expect(dump.durationMs).toBeGreaterThanOrEqual(0);
    expect(leftovers(s.tmp)).toEqual({ dirs: [], processes: [] });
  });

  it("fails on a misspelled pg_dump flag, naming the step's file:line and printing pg_dump's own error", async () => {
    const s = scratch();
    const file = s.copy('content/backup/plain-sql-dump.md');
    mutate(file, 'pg_dump --dbname=appdb --format=plain', 'pg_dump --dbname=appdb --formatt=plain');
    const result = await runCli(['verify', '--sandbox', 'local', 'content', '--junit', 'out/junit.xml'], s.dir, s.tmp);
    expect(result.exitCode).toBe(1);
    const line = lineOf(file, 'run id=dump');
    // The same failure for a CI service's test view: the case named by step and line, pg_dump's error kept.
    const junit = readFileSync(join(s.dir, 'out/junit.xml'), 'utf8');
    expect(junit).toMatch(new RegExp(`<testcase classname="content/backup/plain-sql-dump.md \\[PostgreSQL \\d+\\]" name="dump \\(line ${line}\\)"[^>]*>\\n      <failure message="expected exit status 0" type="failed">expected exit status 0; got exit status 1</failure>`));
    expect(junit).toContain('unrecognized option &apos;--formatt=plain&apos;');
    expect(result.all).toContain(`✗ content/backup/plain-sql-dump.md:${line}:1 step "dump" (bash)`);
    expect(result.all).toContain('$ pg_dump --dbname=appdb --formatt=plain --file="$BACKUP_DIR/appdb.sql"');
    expect(result.all).toMatch(/pg_dump: (error: )?unrecognized option '--formatt=plain'/);
    expect(result.all).toMatch(/Steps: {4}\d+ passed, 1 failed, \d+ not run/);
    expect(leftovers(s.tmp)).toEqual({ dirs: [], processes: [] });
  });

  it('fails when a restore silently loses rows, naming the table', async () => {
    const s = scratch();
    const file = s.copy('content/backup/custom-format-parallel-restore.md');
    mutate(file, 'pg_restore --exit-on-error --jobs=2 --dbname=appdb_restored "$BACKUP_DIR/appdb.dump"',
      'pg_restore --exit-on-error --jobs=2 --dbname=appdb_restored "$BACKUP_DIR/appdb.dump"\npsql -X -q -d appdb_restored -c "delete from public.tasks where id > 100"');
    const result = await runCli(['verify', '--sandbox', 'local', 'content'], s.dir, s.tmp);
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain(`✗ content/backup/custom-format-parallel-restore.md:${lineOf(file, 'run id=prove-equal')}:1 step "prove-equal" (bash)`);
    expect(result.all).toMatch(/public\.tasks: 20 rows missing \(120 expected, 100 found\)/);
    expect(leftovers(s.tmp)).toEqual({ dirs: [], processes: [] });
  });

  it('runs nothing when a runbook has a mistake, and says where', async () => {
    const s = scratch();
    s.copy('content/backup/plain-sql-dump.md');
    const bad = s.write('content/bad.md', '---\ntitle: Bad\n---\n\n```bash run id=x exitt=0\ntrue\n```\n');
    const result = await runCli(['verify', '--sandbox', 'local', 'content'], s.dir, s.tmp);
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain('content/bad.md:5:18: Unknown attribute `exitt`, did you mean `exit`? [RB110]');
    expect(result.all).toContain('nothing was run');
    expect(result.all).not.toContain('▶');
    expect(bad).toBeTruthy();
    expect(leftovers(s.tmp)).toEqual({ dirs: [], processes: [] });
  });

  it('refuses binary, non-UTF-8 and empty files with a clear error', async () => {
    const s = scratch();
    s.write('content/binary.md', 'ab\0cd');
    s.write('content/latin1.md', Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xe9, 0x0a]) as unknown as string);
    s.write('content/empty.md', '');
    const result = await runCli(['verify', '--sandbox', 'local', 'content'], s.dir, s.tmp);
    expect(result.exitCode).toBe(2);
    expect(result.all).toContain('content/binary.md:1:1: Unexpected binary file (it contains NUL bytes), expected Markdown text [RB130]');
    expect(result.all).toContain('content/latin1.md:1:1: Unexpected bytes that are not UTF-8, expected a UTF-8 text file [RB130]');
    expect(result.all).toContain('content/empty.md:1:1: Unexpected empty file, expected frontmatter with a title [RB130]');
  });

  it('stops on SIGINT: exit 130, the sandbox removed, no PostgreSQL left running', async () => {
    const s = scratch();
    s.write('content/slow.md', '---\ntitle: Slow\n---\n\n```bash run id=start\ncreatedb appdb\n```\n\n```bash run id=slow\nsleep 60 & sleep 60\n```\n\n```bash run id=after\ntrue\n```\n');
    const child = runCli(['verify', '--sandbox', 'local', 'content'], s.dir, s.tmp);
    let output = '';
    child.all!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        if (output.includes('✓ start')) { clearInterval(timer); resolve(); }
        if (Date.now() - started > 60_000) { clearInterval(timer); reject(new Error(`never started: ${output}`)); }
      }, 50);
    });
    await new Promise((r) => setTimeout(r, 300));
    const during = leftovers(s.tmp);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.all).toContain('SIGINT received');
    expect(result.all).toMatch(/Steps: {4}1 passed, 1 failed, 1 not run/);
    expect(during.dirs.filter((d) => d.startsWith('runbooks-sandbox-'))).toHaveLength(1);
    expect(during.processes.length).toBeGreaterThan(3);
    expect(leftovers(s.tmp)).toEqual({ dirs: [], processes: [] });
  });
});

describe('secrets in captured output', () => {
  it('never lets the sandbox-generated password or a password hash reach the report', async () => {
    const s = scratch();
    s.write('content/secret.md', [
      '---', 'title: Secrets', '---', '',
      '```bash run id=keep hidden', 'printf %s "$SANDBOX_PASSWORD" > "$BACKUP_DIR/password"', '```', '',
      '```bash run id=use role=drill', 'psql -X -q -c "create role app login password \'$SANDBOX_PASSWORD\'"',
      'echo "the password is $SANDBOX_PASSWORD"', 'echo "postgres://app:$SANDBOX_PASSWORD@localhost/app"',
      'PGPASSWORD="$SANDBOX_PASSWORD" env | grep ^PGPASSWORD', 'pg_dumpall --globals-only | grep -i "role app"', '```', '',
    ].join('\n'));
    const result = await runCli(['verify', '--sandbox', 'local', 'content', '--report', 'report.json', '--keep-backups', 'kept'], s.dir, s.tmp);
    expect(result.exitCode, result.all).toBe(0);
    const password = readFileSync(join(s.dir, 'kept/secret/pg15/password'.replace('pg15', `pg${JSON.parse(readFileSync(join(s.dir, 'report.json'), 'utf8')).majors[0]}`)), 'utf8');
    expect(password.length).toBeGreaterThanOrEqual(20);
    const report = readFileSync(join(s.dir, 'report.json'), 'utf8');
    expect(report).not.toContain(password);
    expect(report).not.toMatch(/SCRAM-SHA-256\$\d+:/);
    expect(result.all).not.toContain(password);
    const stdout = JSON.parse(report).runbooks[0].steps[1].stdout as string;
    expect(stdout).toContain('the password is ***');
    expect(stdout).toContain('postgres://app:***@localhost/app');
    expect(stdout).toContain('PGPASSWORD=***');
    expect(stdout).toMatch(/ALTER ROLE app WITH .*PASSWORD '\*\*\*'/);
  });
});

describe('runbooks list and doctor', () => {
  it('lists runbooks and steps without running anything', async () => {
    const s = scratch();
    s.copy('content/reference/runbook-format.md');
    const result = await runCli(['list'], s.dir, s.tmp);
    expect(result.exitCode).toBe(0);
    expect(result.all).toMatch(/content\/reference\/runbook-format\.md — Writing a runbook: \d+ step\(s\), 2 unverified block\(s\)/);
    expect(result.all).toMatch(/ {2}\d+\. expected-failure +line \d+ +bash exit=1/);
    expect(result.all).toContain('not verified, line');
    expect(leftovers(s.tmp).dirs).toEqual([]);
  });

  it('takes an absolute path, and names a path that does not exist instead of crashing', async () => {
    const s = scratch();
    s.copy('content/reference/runbook-format.md');
    const absolute = await runCli(['list', join(s.dir, 'content/reference/runbook-format.md')], s.dir, s.tmp);
    expect(absolute.exitCode, absolute.all).toBe(0);
    expect(absolute.all).toContain('content/reference/runbook-format.md — Writing a runbook');
    const missing = await runCli(['verify', 'content/backup/custom-format.md'], s.dir, s.tmp);
    expect(missing.exitCode).toBe(1);
    expect(missing.all).toContain('content/backup/custom-format.md: no such file or directory');
    expect(missing.all).not.toMatch(/ENOENT|at statSync/);
  });

  it('doctor reports PostgreSQL and the sandbox user', async () => {
    const s = scratch();
    const result = await runCli(['doctor'], s.dir, s.tmp);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/✓ PostgreSQL +\d+\.\d+ in \//);
    expect(result.all).toMatch(/✓ Node\.js +v2[2-9]/);
  });

  it('rejects unknown commands and options with usage', async () => {
    const s = scratch();
    const unknown = await runCli(['verfy'], s.dir, s.tmp);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.all).toContain('Unknown command "verfy"');
    const option = await runCli(['verify', '--jobz', '2'], s.dir, s.tmp);
    expect(option.exitCode).toBe(2);
    expect(option.all).toContain("Unknown option '--jobz'");
  });
});
