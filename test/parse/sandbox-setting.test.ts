/**
 * `sandbox: containers`: a page whose servers each need a machine of their
 * own (Patroni and etcd on every node, on the same ports). The local sandbox,
 * one machine for all, reports such a run as skipped with the reason; it never
 * runs it half-way.
 */
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { runRunbook } from '../../src/harness/run.ts';
import { findPostgres } from '../../src/harness/sandbox/postgres-binaries.ts';
import { LocalClusterSandbox } from '../../src/harness/sandbox/local-cluster.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';
import { projectPaths } from '../../src/harness/files/project.ts';

const page = (value: string): string =>
  ['---', 'title: Nodes', 'runbook:', `  sandbox: ${value}`, '  servers:', '    node2: same', '---', '', '```bash run id=a', 'echo a', '```', ''].join('\n');

describe('runbook.sandbox', () => {
  it('reads `containers`', () => {
    const { runbook, diagnostics } = parseRunbook(page('containers'), 'content/nodes.md');
    expect(diagnostics).toEqual([]);
    expect(runbook!.settings.ownMachines).toBe(true);
  });

  it('rejects anything else, at the value, saying what it expects', () => {
    const { diagnostics } = parseRunbook(page('vm'), 'content/nodes.md');
    expect(diagnostics.map((d) => [d.code, d.position.line, d.position.column, d.message])).toEqual([
      ['RB111', 4, 12, 'Unexpected runbook.sandbox "vm", expected `containers` (each server on a machine of its own)'],
    ]);
  });

  it('makes the local sandbox skip the run, with the reason, before it starts any server', async () => {
    const { runbook } = parseRunbook(page('containers'), 'content/nodes.md');
    const install = await findPostgres({ path: process.env.PATH ?? '' });
    const sandbox = new LocalClusterSandbox({ install, scriptsDir: projectPaths().scripts, settings: sandboxSettings(process.env) });
    const result = await runRunbook(runbook!, sandbox, { major: install.major });
    expect(result.status).toBe('skipped');
    expect(result.error).toMatch(/needs a machine of its own for every server \(`sandbox: containers`\).*--sandbox docker/);
    expect(result.steps.map((s) => s.status)).toEqual(['not-run']);
  });
});
