import { describe, expect, it } from 'vitest';
import { loadAll, markdownFiles } from '../src/harness/files/collect.ts';
import { findPostgres } from '../src/harness/sandbox/postgres-binaries.ts';
import { LocalClusterSandbox } from '../src/harness/sandbox/local-cluster.ts';
import { sandboxSettings } from '../src/harness/sandbox/settings.ts';
import { runRunbook } from '../src/harness/run.ts';
import { projectPaths } from '../src/harness/files/project.ts';
import { failureDetail } from '../src/harness/report/console.ts';
import { planMatrix } from '../src/harness/plan/matrix.ts';
import type { Runbook } from '../src/harness/model.ts';
import { excludedByFrontmatter } from './helpers/excluded.ts';

/** The docs are the tests: every runbook under content/ must pass, step by step. */
const { root } = projectPaths();
const files = markdownFiles(['content'], root);
const { results, diagnostics } = loadAll(['content'], root);
const runbooks = results.map((r) => r.runbook).filter((r) => r !== undefined && r.steps.length > 0);
const install = await findPostgres({ path: process.env.PATH ?? '' });
const { entries, notApplicable } = planMatrix(runbooks as Runbook[], [install.major]);

describe('the runbooks in content/', () => {
  it('parse without a single diagnostic', () => {
    expect(diagnostics).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it('include the three backup runbooks, the upgrade runbook and the format reference', () => {
    expect(runbooks.map((r) => r!.file)).toEqual(expect.arrayContaining([
      'content/backup/plain-sql-dump.md', 'content/backup/custom-format-parallel-restore.md',
      'content/backup/roles-and-privileges.md', 'content/reference/runbook-format.md', 'content/restore/upgrade-major-version.md',
    ]));
  });


  it(`leave out only runbooks whose frontmatter excludes PostgreSQL ${install.major}`, () => {
    for (const { runbook } of notApplicable) expect(excludedByFrontmatter(runbook, install.major), runbook.file).toBe(true);
    expect(entries.length).toBeGreaterThanOrEqual(4);
  });

  for (const { runbook } of entries) {
    it(`${runbook.file} passes every step on a fresh local cluster (PostgreSQL ${install.major})`, async () => {
      const sandbox = new LocalClusterSandbox({ install, scriptsDir: projectPaths().scripts, settings: sandboxSettings(process.env) });
      const result = await runRunbook(runbook, sandbox, { major: install.major });
      if (result.status === 'skipped') {
        // Only an extra server of a version not installed here, or a page that needs a machine per
        // server (the container matrix verifies it), may stop a runbook, and it says so.
        if (runbook.settings.ownMachines) {
          expect(result.error).toMatch(/needs a machine of its own for every server/);
          return;
        }
        expect(runbook.settings.servers.length).toBeGreaterThan(0);
        expect(result.error).toMatch(/needs a PostgreSQL \d+ server/);
        return;
      }
      const failed = result.steps.filter((s) => s.status !== 'passed');
      expect(result.error, result.error).toBeUndefined();
      expect(failed.map(failureDetail)).toEqual([]);
      expect(result.status).toBe('passed');
      expect(result.steps.length).toBe(runbook.steps.length);
    }, 600_000);
  }
});
