import { hostname } from 'node:os';
import { execa } from 'execa';
import { isAlive } from './processes.ts';
import type { DockerEnv } from './settings.ts';

/** Labels on everything a sandbox creates in Docker, so leftovers can be found and removed. */
export const LABEL = 'proven-runbooks.sandbox';
export const OWNER_LABEL = 'proven-runbooks.owner';

/** This process, as written into the owner label: `host:pid`. */
export function ownerLabel(): string {
  return `${hostname()}:${process.pid}`;
}

/** Runs the docker CLI with exactly `env` (settings.ts: dockerClientEnv). Never throws for a failed command. */
export async function docker(env: DockerEnv, args: string[], timeout = 30_000): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const result = await execa('docker', args, { env, extendEnv: false, reject: false, timeout });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Whether a Docker engine answers, and if not, why: the one probe, for
 * `--sandbox auto`, `doctor`, tests and the bench. `clientMissing` tells "no
 * docker client" from "a client, but no engine".
 */
export async function dockerEngine(env: DockerEnv): Promise<{ ok: true; version: string } | { ok: false; reason: string; clientMissing: boolean }> {
  const result = await docker(env, ['info', '--format', '{{.ServerVersion}}'], 10_000).catch((error: Error) => ({ exitCode: 127, stdout: '', stderr: error.message }));
  if (result.exitCode === 0 && result.stdout.trim()) return { ok: true, version: result.stdout.trim() };
  const clientMissing = result.exitCode === undefined || /ENOENT/.test(result.stderr);
  const reason = clientMissing ? 'no docker client on PATH' : (result.stderr.split('\n').find(Boolean) ?? 'no engine answers');
  return { ok: false, reason, clientMissing };
}

/**
 * Removes containers, networks and volumes left by a harness that died (SIGKILL, a
 * crash) on this host. Those of live harness processes are left alone.
 */
export async function sweepStaleDocker(env: DockerEnv): Promise<string[]> {
  const removed: string[] = [];
  // Volumes last: a volume is removable only once no container uses it.
  for (const kind of ['container', 'network', 'volume'] as const) {
    const format = ['--format', `{{${kind === 'volume' ? '.Name' : '.ID'}}} {{.Label "${OWNER_LABEL}"}}`];
    const listed = kind === 'container'
      ? await docker(env, ['ps', '-a', '--filter', `label=${LABEL}`, ...format])
      : await docker(env, [kind, 'ls', '--filter', `label=${LABEL}`, ...format]);
    for (const line of listed.stdout.split('\n').filter(Boolean)) {
      const [id, owner = ''] = line.split(' ');
      const [host, pid] = owner.split(':');
      if (host !== hostname() || isAlive(Number(pid))) continue;
      await docker(env, kind === 'container' ? ['rm', '-f', '-v', id!] : [kind, 'rm', id!]);
      removed.push(`${kind} ${id}`);
    }
  }
  return removed;
}
