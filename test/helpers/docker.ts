import { describe } from 'vitest';
import { dockerEngine, docker, LABEL, OWNER_LABEL } from '../../src/harness/sandbox/docker.ts';
import { readImageTable } from '../../src/harness/sandbox/images.ts';
import { dockerClientEnv } from '../../src/harness/sandbox/settings.ts';
import { projectPaths } from '../../src/harness/files/project.ts';

/** The docker CLI's environment, as the CLI would take it from this process. */
export const dockerEnv = dockerClientEnv(process.env);

export const engine = await dockerEngine(dockerEnv);

/**
 * Suites that need Docker. Without an engine they are skipped on a laptop,
 * visibly, but in CI (CI=true) they run and fail: CI must never go green
 * without having exercised the container sandbox.
 */
export const describeDocker = engine.ok || process.env.CI ? describe : describe.skip;
if (!engine.ok && !process.env.CI) console.warn(`Docker suites skipped: ${engine.reason}`);

/** Every major version named in scripts/images/versions.tsv: CI builds them all. */
export const imageMajors = readImageTable(projectPaths().scripts).map((r) => r.major);

/** Containers, networks and volumes (ids, names) of one sandbox, or of every sandbox of one harness process. */
export async function dockerLeftovers(filter: { sandboxId?: string; owner?: string }): Promise<string[]> {
  const label = filter.sandboxId ? `${LABEL}=${filter.sandboxId}` : `${OWNER_LABEL}=${filter.owner}`;
  const containers = await docker(dockerEnv, ['ps', '-a', '-q', '--filter', `label=${label}`]);
  const networks = await docker(dockerEnv, ['network', 'ls', '-q', '--filter', `label=${label}`]);
  const volumes = await docker(dockerEnv, ['volume', 'ls', '-q', '--filter', `label=${label}`]);
  return [...containers.stdout.split('\n'), ...networks.stdout.split('\n'), ...volumes.stdout.split('\n')].filter(Boolean);
}
