import { HarnessError } from '../errors.ts';
import { docker, LABEL, OWNER_LABEL, ownerLabel } from './docker.ts';
import { initdbScript } from './bootstrap.ts';
import { shellQuote } from '../text/index.ts';
import type { SandboxSettings } from './settings.ts';

/** Where a prepared image keeps its pristine cluster; sandboxes copy it instead of running initdb. */
export const TEMPLATE_DIR = '/opt/runbooks-template/data';
const BASE_LABEL = 'proven-runbooks.base-image';

/**
 * A PostgreSQL image plus a cluster made by initdb, so a container sandbox
 * starts by copying a directory (~0.1 s) instead of running initdb (~1 s).
 * Built once per base image id and kept by the engine (`<image>-prepared`);
 * rebuilt when the base image changes. Returns the base image when preparing
 * fails, so a sandbox still starts (the slow way).
 */
export async function preparedImage(settings: SandboxSettings, image: string, major: number): Promise<{ image: string; template?: string }> {
  const env = settings.docker;
  const base = (await docker(env, ['image', 'inspect', '--format', '{{.Id}}', image])).stdout.trim();
  const name = `proven-runbooks-prepared/${image.replace(/[/:]/g, '-')}:latest`;
  const existing = await docker(env, ['image', 'inspect', '--format', `{{index .Config.Labels "${BASE_LABEL}"}}`, name]);
  if (existing.exitCode === 0 && existing.stdout.trim() === base) return { image: name, template: TEMPLATE_DIR };
  const container = `rb-prepare-${process.pid}-${Date.now()}`;
  try {
    const bin = `/usr/lib/postgresql/${major}/bin`;
    const run = await docker(env, ['run', '--name', container, '--network', 'none', '--label', `${LABEL}=prepare`, '--label', `${OWNER_LABEL}=${ownerLabel()}`,
      '--entrypoint', 'bash', image, '-c',
      `mkdir -p ${TEMPLATE_DIR} && chown -R postgres:postgres /opt/runbooks-template && setpriv --reuid=postgres --regid=postgres --init-groups env PATH=${bin}:/usr/bin:/bin LANG=C.UTF-8 bash -c ${shellQuote(initdbScript(TEMPLATE_DIR))}`], 120_000);
    if (run.exitCode !== 0) throw new HarnessError('SandboxStart', `preparing ${image} failed: ${run.stderr.trim()}`);
    // The image would inherit the preparing container's owner label, and so would any container
    // started from it by hand: the stale sweep would then kill those as orphans of a dead harness.
    const commit = await docker(env, ['commit', '--change', `LABEL ${BASE_LABEL}=${base} ${OWNER_LABEL}=image`, container, name], 120_000);
    if (commit.exitCode !== 0) throw new HarnessError('SandboxStart', `docker commit failed: ${commit.stderr.trim()}`);
    return { image: name, template: TEMPLATE_DIR };
  } catch (error) {
    if (settings.debug) console.error(error);
    return { image };
  } finally {
    await docker(env, ['rm', '-f', '-v', container]);
  }
}
