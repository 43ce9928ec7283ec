/**
 * A failed server start shows the server log's tail (execute/server-log.ts):
 * which steps, which logs, and where the tail appears (CLI, report, JUnit).
 * The real thing, a server refusing a bad setting, is in test/execute/author-frictions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { namedLogs, readServerLogs, startsServer } from '../../src/harness/execute/server-log.ts';
import { failureDetail } from '../../src/harness/report/console.ts';
import { formatReport } from '../../src/harness/report/format.ts';
import { toJUnit } from '../../src/harness/report/junit.ts';
import type { StepResult } from '../../src/harness/model.ts';
import { makeOutcome, makeResult, makeRunbook, makeStep } from './build.ts';

const FATAL = '2026-11-27 05:10:11.123 UTC [4711] LOG:  invalid value for parameter "shared_buffers": "nonsense"\n'
  + '2026-11-27 05:10:11.123 UTC [4711] FATAL:  configuration file "$PGDATA/postgresql.auto.conf" contains errors';

describe('which failed steps get the server log', () => {
  it('those that start or restart a server, or where pg_ctl says to examine the log', () => {
    const starts = (code: string, stderr = '') => startsServer(makeStep({ code }), makeOutcome({ stderr }));
    expect(starts('pg_ctl -D "$PGDATA" -l "$SERVER_LOG" -w start')).toBe(true);
    expect(starts('echo x\npg_ctl --pgdata="$PGDATA" --log="$SERVER_LOG" --wait restart >/dev/null')).toBe(true);
    expect(starts('pg_ctlcluster 15 main start')).toBe(true);
    expect(starts('./promote-and-start.sh', 'pg_ctl: could not start server\nExamine the log output.\n')).toBe(true);
    expect(starts('pg_ctl -D "$PGDATA" stop')).toBe(false);
    expect(starts('psql -c "select 1/0"', 'ERROR:  division by zero')).toBe(false);
  });

  it('reads the logs a pg_ctl line names, as written, and only plain words (they are expanded again)', () => {
    expect(namedLogs([
      'pg_ctl -D "$PGDATA" -l "$SERVER_LOG" -w start',
      'pg_ctl --pgdata="$NEW" --log="$SANDBOX_DIR/new-primary.log" --wait start',
      "pg_ctl -D x --log ${LOGDIR}/a.log start; pg_ctl -D y -l'/var/log/pg b.log' start",
      'pg_ctl -D z -l "$(date +%s).log" start', 'pg_ctl -D z -l `pwd`/x.log start', 'pg_ctl -D z -l *.log start',
      'tail -l "$NOT_PG_CTL"',
    ].join('\n'))).toEqual(['"$SERVER_LOG"', '"$SANDBOX_DIR/new-primary.log"', '${LOGDIR}/a.log', "'/var/log/pg b.log'"]);
  });
});

describe('reading the tails', () => {
  /** A sandbox shell with two names for one file and a missing one. */
  const files: Record<string, string> = { '"$SANDBOX_DIR/second.log"': '/s/second.log', '"$SERVER_LOG"': '/s/log/server.log', '"$ALSO_SERVER_LOG"': '/s/log/server.log' };
  const contents: Record<string, string> = { '/s/second.log': `${FATAL}\n`, '/s/log/server.log': 'LOG:  database system is ready to accept connections\n' };
  const ran: string[] = [];
  const shell = async (script: string): Promise<string | undefined> => {
    ran.push(script);
    const [, command, word] = /^(realpath -e|tail -n 20) -- (.*)$/.exec(script)!;
    const path = files[word!];
    if (!path) return undefined;
    return command === 'realpath -e' ? `${path}\n` : contents[path];
  };

  it("shows the command's own log first, each file once, missing ones left out, through the output mask", async () => {
    const code = 'pg_ctl -D "$SANDBOX_DIR/second" -l "$SANDBOX_DIR/second.log" -w start\npg_ctl -l "$ALSO_SERVER_LOG" -l "$MISSING" restart';
    const tails = await readServerLogs(code, shell, (text) => text.replace('$PGDATA', '<masked>'));
    expect(tails).toEqual([
      { path: '$SANDBOX_DIR/second.log', tail: FATAL.replace('$PGDATA', '<masked>') },
      { path: '$ALSO_SERVER_LOG', tail: 'LOG:  database system is ready to accept connections' },
    ]);
    expect(ran).toContain('tail -n 20 -- "$SANDBOX_DIR/second.log"');
    expect(ran.filter((s) => s.startsWith('tail')).length).toBe(2);
  });
});

describe('where the tail appears', () => {
  const runbook = makeRunbook('content/start.md', { steps: [makeStep({ id: 'start', code: 'pg_ctl -D "$PGDATA" -l "$SERVER_LOG" -w start' })] });
  const run = makeResult(runbook, 15, 'failed');
  const step: StepResult = { ...run.steps[0]!, outcome: makeOutcome({ exitCode: 1, stderr: 'pg_ctl: could not start server\nExamine the log output.\n' }),
    serverLogs: [{ path: '$SERVER_LOG', tail: FATAL }] };
  const report = formatReport([{ ...run, steps: [step] }], {
    generatedAt: new Date(0), durationMs: 1, interrupted: false, node: 'v24', platform: 'linux', sandbox: 'local', majors: [15], notApplicable: [],
  });

  it('in the CLI, after what pg_ctl printed', () => {
    const detail = failureDetail(step);
    expect(detail).toContain('    stderr:\n      pg_ctl: could not start server\n      Examine the log output.\n    server log $SERVER_LOG, last 2 lines:\n');
    expect(detail).toContain(`      ${FATAL.split('\n')[1]}`);
  });

  it('in the report, with clock times and pids masked like the rest of the output', () => {
    expect(report.runbooks[0]!.steps[0]!.serverLogs).toEqual([{ path: '$SERVER_LOG',
      tail: 'YYYY-MM-DD hh:mm:ss [PID] LOG:  invalid value for parameter "shared_buffers": "nonsense"\n'
        + 'YYYY-MM-DD hh:mm:ss [PID] FATAL:  configuration file "$PGDATA/postgresql.auto.conf" contains errors' }]);
    const passed = formatReport([makeResult(runbook, 15)], { generatedAt: new Date(0), durationMs: 1, interrupted: false, node: 'v24', platform: 'linux', sandbox: 'local', majors: [15], notApplicable: [] });
    expect(passed.runbooks[0]!.steps[0]).not.toHaveProperty('serverLogs');
  });

  it('in JUnit, inside the failure', () => {
    expect(toJUnit(report)).toMatch(/<failure [^>]*>expected exit status 0; got exit status 1\n\nserver log \$SERVER_LOG, last 2 lines:\n[^<]*FATAL: {2}configuration file &quot;\$PGDATA\/postgresql.auto.conf&quot; contains errors<\/failure>/);
  });
});
