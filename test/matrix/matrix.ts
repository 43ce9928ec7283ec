import { afterAll, expect, it } from 'vitest';
import { loadAll } from '../../src/harness/files/collect.ts';
import { ContainerSandbox } from '../../src/harness/sandbox/container.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';
import { runRunbook } from '../../src/harness/run.ts';
import { planMatrix } from '../../src/harness/plan/matrix.ts';
import { projectPaths } from '../../src/harness/files/project.ts';
import { failureDetail } from '../../src/harness/report/console.ts';
import { describeDocker, imageMajors } from '../helpers/docker.ts';
import { excludedByFrontmatter } from '../helpers/excluded.ts';

/**
 * The version matrix: every runbook on one PostgreSQL image named in
 * scripts/images/versions.tsv, when its frontmatter allows that version. One
 * test file per version (pg13.test.ts …) so vitest runs versions in parallel.
 */
export function describeMatrix(major: number): void {
  const { root, scripts } = projectPaths();
  const runbooks = loadAll(['content'], root).results.map((r) => r.runbook).filter((r) => r !== undefined && r.steps.length > 0);
  const { entries, notApplicable } = planMatrix(runbooks as NonNullable<(typeof runbooks)[number]>[], [major]);

  describeDocker(`the runbooks in containers on PostgreSQL ${major}`, () => {
    // As verify runs them: a brand-new cluster per runbook, in a container kept between runs.
    const sandbox = new ContainerSandbox({ major, scriptsDir: scripts, settings: sandboxSettings(process.env), reuse: true });
    afterAll(() => sandbox.close());

    it(`is a version CI builds an image for, and leaves out only runbooks whose range excludes ${major}`, () => {
      expect(imageMajors).toContain(major);
      for (const { runbook } of notApplicable) expect(excludedByFrontmatter(runbook, major), runbook.file).toBe(true);
    });

    for (const { runbook } of entries) {
      it(`${runbook.file} passes on PostgreSQL ${major}`, async () => {
        const result = await runRunbook(runbook, sandbox, { major });
        expect(result.error, result.error).toBeUndefined();
        expect(result.steps.filter((s) => s.status !== 'passed').map(failureDetail)).toEqual([]);
        expect(result.server!.major).toBe(major);
        expect(result.server!.version).toMatch(new RegExp(`^PostgreSQL ${major}\\.\\d+`));
        for (const [name, server] of Object.entries(result.extraServers ?? {})) {
          // `servers: { standby: same }` runs the version of the run; `old: { 17: 13 }` the one paired with it.
          const spec = runbook.settings.servers.find((s) => s.name === name)!;
          expect(server.major, name).toBe(spec.byRun?.[major] ?? spec.major ?? major);
        }
      }, 600_000);
    }
  });
}
