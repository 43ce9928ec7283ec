/**
 * Three things that got in the way of an author writing a first runbook
 * (issue 15, item 5), each through the real CLI on a real local PostgreSQL:
 * a quote inside an attribute value, an aligned psql table holding a masked
 * path, and a server that does not start with only "Examine the log output".
 */
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leftovers, mutate, runCli, scratch } from '../helpers/cli.ts';

interface StepJson { id: string; status: string; stdout: string; stderr: string; serverLogs?: { path: string; tail: string }[] }
const stepsOf = (dir: string, report: string): StepJson[] => JSON.parse(readFileSync(join(dir, report), 'utf8')).runbooks[0].steps;

describe('a quote inside an attribute value', () => {
  it('is the text psql really prints, and a wrong one still fails', async () => {
    const s = scratch();
    const file = s.write('content/quoted.md', readFileSync('test/fixtures/parse/quoted-attribute.md', 'utf8'));
    const passed = await runCli(['verify', '--sandbox', 'local', 'content', '--report', 'out/report.json'], s.dir, s.tmp);
    expect(passed.exitCode, passed.all).toBe(0);
    const [escaped] = stepsOf(s.dir, 'out/report.json');
    expect(escaped).toMatchObject({ id: 'escaped', status: 'passed' });
    expect(escaped!.stderr).toContain('ERROR:  relation "orders" does not exist');

    mutate(file, 'stderr-contains="relation \\"orders\\" does not exist"', 'stderr-contains="relation \\"order\\" does not exist"');
    const failed = await runCli(['verify', '--sandbox', 'local', 'content'], s.dir, s.tmp);
    expect(failed.exitCode, failed.all).toBe(1);
    expect(failed.all).toContain('expected: stderr to contain "relation \\"order\\" does not exist"');
    expect(leftovers(s.tmp)).toEqual({ dirs: [], processes: [] });
  });
});

/**
 * The expected block is what psql printed in a container (`/sandbox/backups`,
 * 16 characters); the local sandboxes' backup directories are 37 and 37 + 24
 * characters long, so all three tables are padded differently.
 */
const TABLE_PAGE = `---
title: A table with a masked path
---

\`\`\`bash run id=listing role=proof
psql -X -d postgres -c "select f.name as file, f.bytes from (values ('$BACKUP_DIR/base.tar', 8192), ('$BACKUP_DIR/pg_wal.tar', 16777216), ('manifest', 42)) as f(name, bytes)"
\`\`\`

\`\`\`text output
            file             |  bytes
-----------------------------+----------
 $BACKUP_DIR/base.tar   |     8192
 $BACKUP_DIR/pg_wal.tar | 16777216
 manifest                    |       42
(3 rows)
\`\`\`
`;

describe('an aligned psql table holding a masked path', () => {
  it('passes with one expected block in sandboxes whose paths differ in length, and a changed value still fails', async () => {
    const s = scratch();
    const file = s.write('content/table.md', TABLE_PAGE);
    const longer = join(s.tmp, 'a-longer-temporary-place');
    mkdirSync(longer);
    chmodSync(longer, 0o1777);
    for (const tmp of [s.tmp, longer]) {
      const result = await runCli(['verify', '--sandbox', 'local', '--force', 'content', '--report', 'out/report.json'], s.dir, tmp);
      expect(result.exitCode, result.all).toBe(0);
      const [listing] = stepsOf(s.dir, 'out/report.json');
      // The real padding came through: the header is centred over the real path's width, not the container's.
      expect(listing!.stdout).toContain('$BACKUP_DIR/base.tar   |     8192');
      expect(listing!.stdout.split('\n')[1]!.length).toBeGreaterThan('-----------------------------+----------'.length);
    }
    mutate(file, '|       42', '|       43');
    const failed = await runCli(['verify', '--sandbox', 'local', '--force', 'content'], s.dir, s.tmp);
    expect(failed.exitCode, failed.all).toBe(1);
    expect(failed.all).toContain('expected: stdout to be exactly');
    expect(leftovers(s.tmp)).toEqual({ dirs: [], processes: [] });
    expect(leftovers(longer)).toEqual({ dirs: [], processes: [] });
  });
});

const BAD_START_PAGE = `---
title: A server that will not start
---

\`\`\`bash run id=init role=drill
initdb -D "$SANDBOX_DIR/second" --auth=trust --no-sync >/dev/null
echo "shared_buffers = 'nonsense'" >> "$SANDBOX_DIR/second/postgresql.auto.conf"
echo "port = 5499" >> "$SANDBOX_DIR/second/postgresql.auto.conf"
\`\`\`

\`\`\`bash run id=start role=drill
pg_ctl -D "$SANDBOX_DIR/second" -l "$SANDBOX_DIR/second.log" -w start
\`\`\`
`;

describe('a server that does not start', () => {
  it("shows the tail of the server's log with the failure, in the CLI and in the report", async () => {
    const s = scratch();
    s.write('content/bad-start.md', BAD_START_PAGE);
    const result = await runCli(['verify', '--sandbox', 'local', 'content', '--report', 'out/report.json', '--junit', 'out/junit.xml'], s.dir, s.tmp);
    expect(result.exitCode, result.all).toBe(1);
    const fatal = 'FATAL:  configuration file "$SANDBOX_DIR/second/postgresql.auto.conf" contains errors';
    expect(result.all).toContain('      Examine the log output.\n');
    expect(result.all).toMatch(/ {4}server log \$SANDBOX_DIR\/second\.log, last \d+ lines?:\n(?: {6}.*\n)*? {6}.*LOG: {2}invalid value for parameter "shared_buffers": "nonsense"\n {6}.*FATAL/);
    expect(result.all).toContain(fatal);
    // The sandbox's own server log comes too: it is where a failed restart of the sandbox's server would write.
    expect(result.all).toMatch(/ {4}server log \$SERVER_LOG, last \d+ lines?:\n/);
    const start = stepsOf(s.dir, 'out/report.json').find((step) => step.id === 'start')!;
    expect(start.status).toBe('failed');
    expect(start.serverLogs!.map((log) => log.path)).toEqual(['$SANDBOX_DIR/second.log', '$SERVER_LOG']);
    expect(start.serverLogs![0]!.tail).toContain(fatal);
    expect(start.serverLogs![0]!.tail).toMatch(/^YYYY-MM-DD hh:mm:ss \[PID\] /m);
    expect(readFileSync(join(s.dir, 'out/junit.xml'), 'utf8')).toContain('FATAL:  configuration file &quot;$SANDBOX_DIR/second/postgresql.auto.conf&quot; contains errors');
    expect(leftovers(s.tmp)).toEqual({ dirs: [], processes: [] });
  });
});
