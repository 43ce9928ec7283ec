import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../errors.ts';
import { docker } from './docker.ts';
import type { SandboxSettings } from './settings.ts';

export interface ImageRow {
  major: number;
  /** The Debian suite the local image is built from; absent (`-` in the file) when no suite here packages this major. */
  suite?: string;
  /** Built here from Debian packages by scripts/images/build.sh; absent when there is no suite to build it from. */
  local?: string;
  /** The Docker Official Image it stands in for. */
  official: string;
}

/** The file's "none" (a major no Debian suite here packages has no suite and no local image). */
const NONE = '-';

/** The rows of versions.tsv's text, ascending by major. Pure; throws on a row it cannot read rather than guess. */
export function parseImageTable(text: string): ImageRow[] {
  const rows = text.split('\n').filter((line) => line.trim() && !line.trimStart().startsWith('#')).map((line, i) => {
    const [major, suite, local, official] = line.split('\t').map((cell) => cell.trim());
    if (!/^\d+$/.test(major ?? '') || !suite || !local || !official || official === NONE) {
      throw new HarnessError('NoImage', `scripts/images/versions.tsv: row ${i + 1} is not "major<TAB>suite<TAB>local_image<TAB>official_image": ${JSON.stringify(line)}`);
    }
    if ((suite === NONE) !== (local === NONE)) {
      throw new HarnessError('NoImage', `scripts/images/versions.tsv: row ${i + 1} (PostgreSQL ${major}) has a local image only together with a suite to build it from: ${JSON.stringify(line)}`);
    }
    return { major: Number(major), official, ...(suite !== NONE ? { suite } : {}), ...(local !== NONE ? { local } : {}) };
  });
  return rows.sort((a, b) => a.major - b.major);
}

/** scripts/images/versions.tsv: the one place that names each major version's image. */
export function readImageTable(scriptsDir: string): ImageRow[] {
  return parseImageTable(readFileSync(join(scriptsDir, 'images', 'versions.tsv'), 'utf8'));
}

/**
 * The official image plus the tools runbooks call (pgbackrest, rsync, zstd…),
 * as scripts/images/build.sh makes it where a registry answers (its
 * `official_tag`: keep the two alike).
 */
export function officialWithTools(major: number): string {
  return `proven-runbooks/postgres:${major}-official`;
}

/**
 * The images to look for, in order of preference: those with the runbooks'
 * tools first (the official image plus tools, then the Debian-built one), the
 * bare official image last. `RUNBOOKS_IMAGE_SOURCE` narrows them to one kind.
 */
function candidates(settings: SandboxSettings, row: ImageRow): string[] {
  const override = settings.imageSource;
  const official = [officialWithTools(row.major), row.official];
  const order = override === 'local' ? [row.local] : override === 'official' ? official : [official[0], row.local, official[1]];
  return order.filter((image): image is string => image !== undefined);
}

async function present(settings: SandboxSettings, image: string): Promise<boolean> {
  return (await docker(settings.docker, ['image', 'inspect', '--format', '{{.Id}}', image])).exitCode === 0;
}

/**
 * The image to run a major version on: the official `postgres:N` when the
 * engine has it, else our Debian-built equivalent. Nothing is pulled here, once
 * per page: chooseServer pulls at most once per major and verification.
 */
export async function resolveImage(settings: SandboxSettings, scriptsDir: string, major: number): Promise<string> {
  const row = readImageTable(scriptsDir).find((r) => r.major === major);
  if (!row) {
    const known = readImageTable(scriptsDir).map((r) => r.major).join(', ');
    throw new HarnessError('NoImage', `No image is named for PostgreSQL ${major} (scripts/images/versions.tsv knows ${known})`);
  }
  const order = candidates(settings, row);
  for (const image of order) if (await present(settings, image)) return image;
  throw new HarnessError('NoImage', `The Docker engine has no image for PostgreSQL ${major} (looked for ${order.join(' and ') || 'none: RUNBOOKS_IMAGE_SOURCE=local, and no Debian suite here packages it'})`,
    { hint: row.suite
      ? `\`docker pull ${row.official}\` where a registry is reachable, or build it from Debian packages: \`bash scripts/images/build.sh ${major}\` (as root).`
      : `\`docker pull ${row.official}\` where a registry is reachable (no Debian suite here packages PostgreSQL ${major}, so it cannot be built).` });
}

/** How long a `docker pull` may take to show that a registry answers (its first line) before it counts as unreachable. */
export const PULL_ANSWER_MS = 10_000;
/** A pull that has started may download for this long. */
const PULL_TOTAL_MS = 10 * 60_000;

/**
 * `docker pull image`: true when it pulled. Fails fast where no registry
 * answers: an error within milliseconds (no DNS), or silence for
 * PULL_ANSWER_MS (a firewall that drops packets); a pull that answers gets
 * time to download.
 */
export async function pullImage(settings: SandboxSettings, image: string, answerMs = PULL_ANSWER_MS): Promise<{ ok: boolean; detail: string }> {
  const child = execa('docker', ['pull', image], { env: settings.docker, extendEnv: false, reject: false, timeout: PULL_TOTAL_MS, all: true });
  let answered = false;
  child.all?.on('data', () => { answered = true; });
  const silence = setTimeout(() => { if (!answered) child.kill(); }, answerMs);
  const result = await child.finally(() => clearTimeout(silence));
  if (result.exitCode === 0) return { ok: true, detail: `pulled ${image}` };
  // The daemon's last words (`…: dial tcp: lookup <host> …: no such host`): the cause, without the addresses.
  const said = String(result.all ?? '').split('\n').map((l) => l.trim()).filter(Boolean).at(-1)?.split(': ').at(-1);
  return { ok: false, detail: answered || said ? `\`docker pull ${image}\` failed (${said ?? 'no reason given'})` : `\`docker pull ${image}\`: no registry answered in ${answerMs / 1000} s` };
}

/** What a major version runs on here: an image, or why there is none ("no server for N here"). */
export type ServerChoice = { major: number; image: string; how: string } | { major: number; none: string };

/**
 * Resolves one major once per verification (never per page): an image the
 * engine has; else the official image, pulled once (skipped under
 * RUNBOOKS_IMAGE_SOURCE=local); else why there is no server for it here.
 */
export async function chooseServer(settings: SandboxSettings, scriptsDir: string, major: number, pull = pullImage): Promise<ServerChoice> {
  const table = readImageTable(scriptsDir);
  const row = table.find((r) => r.major === major);
  // A major the table does not know is a mistake in the request, not a missing server.
  if (!row) throw new HarnessError('NoImage', `No image is named for PostgreSQL ${major} (scripts/images/versions.tsv knows ${table.map((r) => r.major).join(', ')})`);
  const order = candidates(settings, row);
  for (const image of order) if (await present(settings, image)) return { major, image, how: 'present' };
  const why = [`the Docker engine has ${order.length ? `no ${order.join(' or ')}` : 'no image of the kind RUNBOOKS_IMAGE_SOURCE=local asks for'}`];
  if (order.includes(row.official)) {
    const pulled = await pull(settings, row.official);
    if (pulled.ok) return { major, image: row.official, how: pulled.detail };
    why.push(pulled.detail);
  }
  why.push(row.suite ? `\`bash scripts/images/build.sh ${major}\` (as root) builds it` : 'no Debian suite here packages it (versions.tsv: -)');
  return { major, none: why.join('; ') };
}

/** Majors whose image the engine already has: whether `--sandbox auto` takes Docker (nothing is pulled to decide). */
export async function availableMajors(settings: SandboxSettings, scriptsDir: string): Promise<number[]> {
  const majors: number[] = [];
  for (const row of readImageTable(scriptsDir)) {
    if ((await present(settings, row.official)) || (row.local !== undefined && await present(settings, row.local))) majors.push(row.major);
  }
  return majors;
}
