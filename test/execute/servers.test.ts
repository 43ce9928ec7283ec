/**
 * `server=NAME`: a step runs on that server's machine, in a shell of its own
 * that lasts the whole run, as an operator keeps one terminal per host.
 */
import { expect, it } from 'vitest';
import { describe } from 'vitest';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { runRunbook } from '../../src/harness/run.ts';
import { findPostgres } from '../../src/harness/sandbox/postgres-binaries.ts';
import { LocalClusterSandbox } from '../../src/harness/sandbox/local-cluster.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';
import { projectPaths } from '../../src/harness/files/project.ts';

const install = await findPostgres({ path: process.env.PATH ?? '' });

const page = [
  '---', 'title: Two machines', 'runbook:', '  servers:', '    standby: same', '---', '',
  '```bash run id=primary-port', 'export WHERE=primary-terminal', 'psql -X -At -c "show port"', '```', '',
  '```bash run id=standby-port server=standby', 'export WHERE=standby-terminal', 'psql -X -At -c "show port"', '```', '',
  '```bash run id=back-on-primary', 'echo "$WHERE"', '```', '',
  '```bash run id=back-on-standby server=standby', 'echo "$WHERE"; psql -X -At -h "$PRIMARY_PGHOST" -p "$PRIMARY_PGPORT" -c "show port"', '```', '',
].join('\n');

describe('steps on another server (server=)', () => {
  it('run on that server, each machine in its own shell for the whole run', async () => {
    const { runbook, diagnostics } = parseRunbook(page, 'content/two-machines.md');
    expect(diagnostics).toEqual([]);
    const sandbox = new LocalClusterSandbox({ install, scriptsDir: projectPaths().scripts, settings: sandboxSettings(process.env) });
    const result = await runRunbook(runbook!, sandbox, { major: install.major });
    expect(result.steps.map((s) => [s.step.id, s.status])).toEqual([
      ['primary-port', 'passed'], ['standby-port', 'passed'], ['back-on-primary', 'passed'], ['back-on-standby', 'passed'],
    ]);
    const out = result.steps.map((s) => s.outcome!.stdout.trim());
    expect(out[1]).not.toBe(out[0]);
    expect(out[2]).toBe('primary-terminal');
    expect(out[3]).toBe(`standby-terminal\n${out[0]}`);
  });
});
