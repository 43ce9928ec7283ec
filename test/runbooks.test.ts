import { describe, expect, it } from 'vitest';
import { loadAll, markdownFiles } from '../src/harness/cli/collect.ts';
import { findPostgres } from '../src/harness/sandbox/postgres-binaries.ts';
import { LocalClusterSandbox } from '../src/harness/sandbox/local-cluster.ts';
import { runRunbook } from '../src/harness/run.ts';
import { projectPaths } from '../src/harness/cli/project.ts';
import { failureDetail } from '../src/harness/report/console.ts';

/** The docs are the tests: every runbook under content/ must pass, step by step. */
const { root } = projectPaths();
const files = markdownFiles(['content'], root);
const { results, diagnostics } = loadAll(['content'], root);
const runbooks = results.map((r) => r.runbook).filter((r) => r !== undefined && r.steps.length > 0);

describe('the runbooks in content/', () => {
  it('parse without a single diagnostic', () => {
    expect(diagnostics).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it('include at least the three backup runbooks and the format reference', () => {
    expect(runbooks.map((r) => r!.file)).toEqual(expect.arrayContaining([
      'content/backup/plain-sql-dump.md', 'content/backup/custom-format-parallel-restore.md',
      'content/backup/roles-and-privileges.md', 'content/reference/runbook-format.md',
    ]));
  });

  for (const runbook of runbooks) {
    it(`${runbook!.file} passes every step on a fresh local cluster`, async () => {
      const install = await findPostgres({ path: process.env.PATH ?? '' });
      const sandbox = new LocalClusterSandbox({ install, scriptsDir: projectPaths().scripts });
      const result = await runRunbook(runbook!, sandbox, { major: install.major });
      const failed = result.steps.filter((s) => s.status !== 'passed');
      expect(result.error, result.error).toBeUndefined();
      expect(failed.map(failureDetail)).toEqual([]);
      expect(result.status).toBe('passed');
      expect(result.steps.length).toBe(runbook!.steps.length);
    });
  }
});
