import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.ts';
import { docker } from './docker.ts';
import type { SandboxSettings } from './settings.ts';

/** Whether Testcontainers' reaper (Ryuk) guards this process's containers, and with which image. */
export interface ReaperChoice {
  on: boolean;
  image?: string;
  /** In words, for the line `verify` prints before it runs. */
  summary: string;
}

let chosen: Promise<ReaperChoice> | undefined;

/** The reaper image scripts/images/reaper/build.sh builds, for engines that cannot pull Ryuk. */
export function localReaperImage(scriptsDir: string): string {
  return readFileSync(join(scriptsDir, 'images', 'reaper', 'IMAGE'), 'utf8').trim();
}

/**
 * Ryuk removes a session's containers when the process that started them dies
 * without cleaning up (SIGKILL, a crash, an OOM kill), which our own sweep only
 * does at the next run. It is off unless TESTCONTAINERS_RYUK_DISABLED=false,
 * because its official image needs a registry; switched on, it runs the image
 * Testcontainers names (RYUK_CONTAINER_IMAGE) or, where the engine has no Ryuk
 * image at all, our protocol-compatible reaper. Decided once per process,
 * before the first container: Testcontainers reads these variables when it
 * starts its reaper, and container.ts hands them over just before.
 */
export function chooseReaper(settings: SandboxSettings, scriptsDir: string): Promise<ReaperChoice> {
  return chosen ??= choose(settings, scriptsDir);
}

async function choose(settings: SandboxSettings, scriptsDir: string): Promise<ReaperChoice> {
  if (settings.testcontainers.TESTCONTAINERS_RYUK_DISABLED !== 'false') {
    return { on: false, summary: 'Ryuk off: the harness removes its containers, and the next run those of a killed harness' };
  }
  // Ryuk listens on a published port, which needs the engine's default bridge.
  const bridge = await docker(settings.docker, ['network', 'inspect', 'bridge']);
  if (bridge.exitCode !== 0) {
    throw new HarnessError('NoDocker', 'TESTCONTAINERS_RYUK_DISABLED=false asks for Ryuk, but the Docker engine has no "bridge" network to publish its port '
      + '(started with --bridge=none?). Start the engine with `bash scripts/docker-engine.sh ensure`, or unset TESTCONTAINERS_RYUK_DISABLED.');
  }
  let image = settings.testcontainers.RYUK_CONTAINER_IMAGE;
  if (!image) {
    const official = await docker(settings.docker, ['image', 'ls', '-q', 'testcontainers/ryuk']);
    const local = localReaperImage(scriptsDir);
    if (official.stdout.trim() === '' && (await docker(settings.docker, ['image', 'inspect', local])).exitCode === 0) image = local;
  }
  return { on: true, ...(image ? { image } : {}), summary: `Ryuk on (${image ?? "Testcontainers' default image"}): it removes this run's containers if the harness dies` };
}
