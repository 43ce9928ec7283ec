import { expect, it } from 'vitest';
import { loadAll } from '../src/harness/cli/collect.ts';
import { ContainerSandbox } from '../src/harness/sandbox/container.ts';
import { runRunbook } from '../src/harness/run.ts';
import { planMatrix } from '../src/harness/plan/matrix.ts';
import { projectPaths } from '../src/harness/cli/project.ts';
import { failureDetail } from '../src/harness/report/console.ts';
import { describeDocker, imageMajors } from './helpers/docker.ts';

/** The version matrix: every runbook on every PostgreSQL image named in scripts/images/versions.tsv that it applies to. */
const { root, scripts } = projectPaths();
const runbooks = loadAll(['content'], root).results.map((r) => r.runbook).filter((r) => r !== undefined && r.steps.length > 0);
const { entries, notApplicable } = planMatrix(runbooks as NonNullable<(typeof runbooks)[number]>[], imageMajors);

describeDocker('the runbooks in containers, on every PostgreSQL version', () => {
  it('cover 13, 15, 17 and 18, and the upgrade runbook only where it applies', () => {
    expect(imageMajors).toEqual([13, 15, 17, 18]);
    expect(notApplicable.map((n) => `${n.runbook.file}@${n.major}`)).toEqual([
      'content/restore/upgrade-major-version.md@13', 'content/restore/upgrade-major-version.md@15',
    ]);
  });

  for (const { runbook, major } of entries) {
    it(`${runbook.file} passes on PostgreSQL ${major}`, async () => {
      const result = await runRunbook(runbook, new ContainerSandbox({ major, scriptsDir: scripts }), { major });
      expect(result.error, result.error).toBeUndefined();
      expect(result.steps.filter((s) => s.status !== 'passed').map(failureDetail)).toEqual([]);
      expect(result.server!.major).toBe(major);
      expect(result.server!.version).toMatch(new RegExp(`^PostgreSQL ${major}\\.\\d+`));
      for (const [name, server] of Object.entries(result.extraServers ?? {})) {
        expect(server.major, name).toBe(runbook.settings.servers.find((s) => s.name === name)!.major);
      }
    });
  }
});
