import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.ts';
import { docker } from './docker.ts';
import type { SandboxSettings } from './settings.ts';

/** Whether Testcontainers' reaper (Ryuk) guards this process's containers, and with which image. */
export interface ReaperChoice {
  on: boolean;
  image?: string;
  /** Short, inside the `sandbox:` line (`Ryuk on (image)` / `Ryuk off`). */
  summary: string;
  /** The one line `verify` prints about who removes the containers. */
  line: string;
}

/**
 * The image Testcontainers starts when RYUK_CONTAINER_IMAGE is unset
 * (testcontainers 12, build/reaper/reaper.js); scripts/images/reaper/ builds a
 * stand-in for it.
 */
export const OFFICIAL_RYUK_IMAGE = 'testcontainers/ryuk:0.14.0';

/** A registry that does not answer fails in well under a second; one that answers serves Ryuk's ~7 MB well within this. */
const PULL_TIMEOUT_MS = 20_000;

let chosen: Promise<ReaperChoice> | undefined;

/** The reaper image scripts/images/reaper/build.sh builds, for engines that cannot pull Ryuk. */
export function localReaperImage(scriptsDir: string): string {
  return readFileSync(join(scriptsDir, 'images', 'reaper', 'IMAGE'), 'utf8').trim();
}

/** What the choice depends on, gathered from the engine (see `gatherFacts`). */
export interface ReaperFacts {
  /** The caller's TESTCONTAINERS_RYUK_DISABLED, when set: it always wins. */
  disabled?: string;
  /** Whether the engine has its default `bridge` network, which Ryuk's published port needs. */
  bridge: boolean;
  /** The image Ryuk would run, when one is on the engine (already there, or pulled just now). */
  image?: { name: string; pulled: boolean };
  /** Why no image could be had, in words. */
  noImage?: string;
}

const OWN_REAPER = "the harness's own reaper removes them";

/**
 * Pure: facts → choice. Ryuk is Testcontainers' convention, so it is on
 * whenever it can run: an image is there (or was just pulled) and the engine
 * has a bridge for its port. Otherwise the harness's own reaper (each sandbox
 * removes its containers; the next run sweeps those of a killed harness) does
 * the work, and the line says why. An explicit TESTCONTAINERS_RYUK_DISABLED
 * decides: `false` demands Ryuk (an error where it cannot run, never a silent
 * fallback), anything else turns it off.
 */
export function decideReaper(facts: ReaperFacts): ReaperChoice {
  const off = (why: string): ReaperChoice => ({ on: false, summary: 'Ryuk off', line: `containers: Ryuk ${why}: ${OWN_REAPER}` });
  if (facts.disabled !== undefined && facts.disabled !== 'false') return off(`off (TESTCONTAINERS_RYUK_DISABLED=${facts.disabled})`);
  const demanded = facts.disabled === 'false';
  if (!facts.bridge) {
    if (demanded) {
      throw new HarnessError('NoDocker', 'TESTCONTAINERS_RYUK_DISABLED=false asks for Ryuk, but the Docker engine has no "bridge" network to publish its port '
        + '(started with --bridge=none?). Start the engine with `bash scripts/docker-engine.sh ensure`, or unset TESTCONTAINERS_RYUK_DISABLED.');
    }
    return off('unavailable (the engine has no "bridge" network for its port)');
  }
  if (!facts.image) {
    const why = facts.noImage ?? 'no Ryuk image';
    if (demanded) {
      throw new HarnessError('NoImage', `TESTCONTAINERS_RYUK_DISABLED=false asks for Ryuk, but ${why}. Build the stand-in: \`bash scripts/images/reaper/build.sh\`, or unset TESTCONTAINERS_RYUK_DISABLED.`);
    }
    return off(`unavailable (${why})`);
  }
  const { name, pulled } = facts.image;
  return { on: true, image: name, summary: `Ryuk on (${name})`, line: `containers: cleaned up by Ryuk (${name}${pulled ? ', pulled just now' : ''}), even if the harness is killed` };
}

/**
 * The engine's side of the facts: its bridge, and a Ryuk image. The caller's
 * RYUK_CONTAINER_IMAGE, else the official image, else our stand-in
 * (proven-runbooks/ryuk:local, built by setup), else one pull of the official
 * image; a registry that does not answer costs one fast failure, once per process.
 */
async function gatherFacts(settings: SandboxSettings, scriptsDir: string): Promise<ReaperFacts> {
  const tc = settings.testcontainers;
  const disabled = tc.TESTCONTAINERS_RYUK_DISABLED;
  if (disabled !== undefined && disabled !== 'false') return { disabled, bridge: false };
  const base = disabled !== undefined ? { disabled } : {};
  const bridge = (await docker(settings.docker, ['network', 'inspect', 'bridge'], 10_000)).exitCode === 0;
  if (!bridge) return { ...base, bridge };
  const present = async (image: string): Promise<boolean> => (await docker(settings.docker, ['image', 'inspect', image], 10_000)).exitCode === 0;
  const candidates = tc.RYUK_CONTAINER_IMAGE ? [tc.RYUK_CONTAINER_IMAGE] : [OFFICIAL_RYUK_IMAGE, localReaperImage(scriptsDir)];
  for (const name of candidates) if (await present(name)) return { ...base, bridge, image: { name, pulled: false } };
  const wanted = candidates[0]!;
  const pull = await docker(settings.docker, ['pull', '--quiet', wanted], PULL_TIMEOUT_MS);
  if (pull.exitCode === 0) return { ...base, bridge, image: { name: wanted, pulled: true } };
  const said = pull.stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1)?.replace(/^Error response from daemon: /, '').slice(0, 160);
  const reason = pull.exitCode === undefined ? `timed out after ${PULL_TIMEOUT_MS / 1000}s` : (said ?? `exit ${pull.exitCode}`);
  return { ...base, bridge, noImage: `no ${candidates.join(' or ')} image, and pulling ${wanted} failed: ${reason}` };
}

/**
 * Ryuk removes a session's containers when the process that started them dies
 * without cleaning up (SIGKILL, a crash, an OOM kill), which our own sweep only
 * does at the next run. Decided once per process, before the first container:
 * Testcontainers reads its variables when it starts its reaper, and
 * container.ts hands them over just before.
 */
export function chooseReaper(settings: SandboxSettings, scriptsDir: string): Promise<ReaperChoice> {
  return chosen ??= gatherFacts(settings, scriptsDir).then(decideReaper);
}
