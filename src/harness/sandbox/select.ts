import { HarnessError } from '../errors.ts';
import type { Sandbox } from './types.ts';
import { findPostgres } from './postgres-binaries.ts';
import { LocalClusterSandbox } from './local-cluster.ts';
import { ContainerSandbox } from './container.ts';
import { dockerEngine } from './docker.ts';
import { availableMajors, resolveImage } from './images.ts';
import { chooseReaper } from './ryuk.ts';
import type { SandboxSettings } from './settings.ts';

export type SandboxKind = 'auto' | 'docker' | 'local';

export interface Selection {
  kind: 'docker' | 'local';
  /** Why this kind, in words: printed before the run. */
  why: string;
  /** One sandbox recipe per major version of the matrix. */
  byMajor: Map<number, Sandbox>;
}

export interface SelectOptions {
  kind: SandboxKind;
  /** Requested majors (`--pg 13,17`); default: what the chosen kind has. */
  majors?: number[];
  binDir?: string;
  scriptsDir: string;
  /** What the sandboxes take from the caller's environment (settings.ts: sandboxSettings). */
  settings: SandboxSettings;
}

async function local(options: SelectOptions, why: string): Promise<Selection> {
  const byMajor = new Map<number, Sandbox>();
  const wanted = options.majors ?? [undefined];
  for (const major of wanted) {
    const install = await findPostgres({ path: options.settings.path, ...(options.binDir ? { binDir: options.binDir } : {}), ...(major !== undefined ? { major } : {}) });
    byMajor.set(install.major, new LocalClusterSandbox({ install, scriptsDir: options.scriptsDir, settings: options.settings }));
  }
  return { kind: 'local', why, byMajor };
}

async function containers(options: SelectOptions, why: string): Promise<Selection> {
  const majors = options.majors ?? await availableMajors(options.settings, options.scriptsDir);
  if (majors.length === 0) throw new HarnessError('NoImage', 'The Docker engine has no PostgreSQL image at all');
  const byMajor = new Map<number, Sandbox>();
  for (const major of majors) {
    await resolveImage(options.settings, options.scriptsDir, major);
    byMajor.set(major, new ContainerSandbox({ major, scriptsDir: options.scriptsDir, settings: options.settings }));
  }
  const reaper = await chooseReaper(options.settings, options.scriptsDir);
  return { kind: 'docker', why: `${why}; ${reaper.summary}`, byMajor };
}

/**
 * `--sandbox auto` takes Docker when an engine answers and has PostgreSQL
 * images, else the local binaries, and says which and why. An explicit
 * `--sandbox docker` without an engine is an error, never a silent fallback.
 */
export async function selectSandboxes(options: SelectOptions): Promise<Selection> {
  if (options.kind === 'local') return local(options, '--sandbox local');
  const engine = await dockerEngine(options.settings.docker);
  if (options.kind === 'docker') {
    if (!engine.ok) throw new HarnessError('NoDocker', `--sandbox docker, but no Docker engine answers: ${engine.reason}`);
    return containers(options, `--sandbox docker, engine ${engine.version}`);
  }
  if (!engine.ok) return local(options, `auto: no Docker engine (${engine.reason})`);
  const majors = options.majors ?? await availableMajors(options.settings, options.scriptsDir);
  if (majors.length === 0) return local(options, `auto: Docker engine ${engine.version} has no PostgreSQL images (bash scripts/images/build.sh)`);
  return containers({ ...options, majors }, `auto: Docker engine ${engine.version} answers`);
}
