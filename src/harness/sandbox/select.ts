import { HarnessError } from '../errors.ts';
import type { Sandbox } from './types.ts';
import { findPostgres } from './postgres-binaries.ts';
import { LocalClusterSandbox } from './local-cluster.ts';
import { ContainerSandbox } from './container.ts';
import { dockerEngine } from './docker.ts';
import { availableMajors, chooseServer, readImageTable } from './images.ts';
import { NoServerSandbox } from './no-server.ts';
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
  /** Requested majors (`--pg 13,17`); default: every row of versions.tsv (docker), the binaries' version (local). */
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
    const found = await findPostgres({ path: options.settings.path, ...(options.binDir ? { binDir: options.binDir } : {}), ...(major !== undefined ? { major } : {}) })
      .catch((error: unknown) => {
        // An asked-for major with no binaries stays in the matrix as "no server for N here"; with none asked, nothing can run.
        if (major === undefined || !(error instanceof HarnessError)) throw error;
        return new NoServerSandbox(major, error.message);
      });
    if (found instanceof NoServerSandbox) byMajor.set(found.major, found);
    else byMajor.set(found.major, new LocalClusterSandbox({ install: found, scriptsDir: options.scriptsDir, settings: options.settings }));
  }
  if (![...byMajor.values()].some((s) => s.kind !== 'none')) throw noServerAtAll(byMajor, 'NoPostgres');
  return { kind: 'local', why, byMajor };
}

/** Every asked-for major without a server: nothing would run, which is an error, not an empty pass. */
function noServerAtAll(byMajor: Map<number, Sandbox>, code: 'NoImage' | 'NoPostgres'): HarnessError {
  return new HarnessError(code, `No server for any version asked for here: ${[...byMajor.values()].map((s) => s.description).join('; ')}`);
}

/**
 * Each major once per verification (never per page): a container sandbox
 * where an image is present or could be pulled, else the no-server stand-in
 * that reports "no server for N here" on every page.
 */
async function containerSandboxes(options: SelectOptions, majors: number[]): Promise<{ byMajor: Map<number, Sandbox>; notes: string[] }> {
  const byMajor = new Map<number, Sandbox>();
  const notes: string[] = [];
  for (const major of majors) {
    const choice = await chooseServer(options.settings, options.scriptsDir, major);
    if ('none' in choice) {
      byMajor.set(major, new NoServerSandbox(major, choice.none));
    } else {
      if (choice.how !== 'present') notes.push(`PostgreSQL ${major}: ${choice.how}`);
      byMajor.set(major, new ContainerSandbox({ major, scriptsDir: options.scriptsDir, settings: options.settings, reuse: true }));
    }
  }
  return { byMajor, notes };
}

async function containers(options: SelectOptions, why: string): Promise<Selection> {
  const majors = options.majors ?? readImageTable(options.scriptsDir).map((r) => r.major);
  const { byMajor, notes } = await containerSandboxes(options, majors);
  if (![...byMajor.values()].some((s) => s.kind !== 'none')) {
    throw options.majors ? noServerAtAll(byMajor, 'NoImage') : new HarnessError('NoImage', 'The Docker engine has no PostgreSQL image at all');
  }
  const reaper = await chooseReaper(options.settings, options.scriptsDir);
  return { kind: 'docker', why: [why, ...notes, reaper.summary].join('; '), byMajor };
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
  // Docker when the engine has an image of some version; the matrix is still every version asked for
  // (default: every row of versions.tsv), those without a server reported as such, never dropped.
  const present = await availableMajors(options.settings, options.scriptsDir);
  if (present.length === 0) return local(options, `auto: Docker engine ${engine.version} has no PostgreSQL images (bash scripts/images/build.sh)`);
  return containers(options, `auto: Docker engine ${engine.version} answers`);
}
