import { hostname } from 'node:os';
import { execa } from 'execa';
import { isAlive } from './processes.ts';

/** Labels on everything a sandbox creates in Docker, so leftovers can be found and removed. */
export const LABEL = 'proven-runbooks.sandbox';
export const OWNER_LABEL = 'proven-runbooks.owner';

/** This process, as written into the owner label: `host:pid`. */
export function ownerLabel(): string {
  return `${hostname()}:${process.pid}`;
}

/** The environment the docker CLI needs (where the engine is), and nothing of the caller's PG* settings. */
export function dockerClientEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const name of ['HOME', 'DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'DOCKER_API_VERSION']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export async function docker(args: string[], timeout = 30_000): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const result = await execa('docker', args, { env: dockerClientEnv(), extendEnv: false, reject: false, timeout });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/** Whether a Docker engine answers, and if not, why (for `--sandbox auto` and `doctor`). */
export async function dockerEngine(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  const result = await docker(['info', '--format', '{{.ServerVersion}}'], 10_000).catch((error: Error) => ({ exitCode: 127, stdout: '', stderr: error.message }));
  if (result.exitCode === 0 && result.stdout.trim()) return { ok: true, version: result.stdout.trim() };
  const reason = result.exitCode === undefined || /ENOENT/.test(result.stderr) ? 'no docker client on PATH' : (result.stderr.split('\n').find(Boolean) ?? 'no engine answers');
  return { ok: false, reason };
}

/**
 * Removes containers and networks left by a harness that died (SIGKILL, a
 * crash) on this host. Those of live harness processes are left alone.
 */
export async function sweepStaleDocker(): Promise<string[]> {
  const removed: string[] = [];
  for (const kind of ['container', 'network'] as const) {
    const listed = kind === 'container'
      ? await docker(['ps', '-a', '--filter', `label=${LABEL}`, '--format', `{{.ID}} {{.Label "${OWNER_LABEL}"}}`])
      : await docker(['network', 'ls', '--filter', `label=${LABEL}`, '--format', `{{.ID}} {{.Label "${OWNER_LABEL}"}}`]);
    for (const line of listed.stdout.split('\n').filter(Boolean)) {
      const [id, owner = ''] = line.split(' ');
      const [host, pid] = owner.split(':');
      if (host !== hostname() || isAlive(Number(pid))) continue;
      await docker(kind === 'container' ? ['rm', '-f', '-v', id!] : ['network', 'rm', id!]);
      removed.push(`${kind} ${id}`);
    }
  }
  return removed;
}
