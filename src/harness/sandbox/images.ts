import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.ts';
import { docker } from './docker.ts';
import type { SandboxSettings } from './settings.ts';

export interface ImageRow {
  major: number;
  suite: string;
  /** Built here from Debian packages by scripts/images/build.sh. */
  local: string;
  /** The Docker Official Image it stands in for. */
  official: string;
}

/** scripts/images/versions.tsv: the one place that names each major version's image. */
export function readImageTable(scriptsDir: string): ImageRow[] {
  const text = readFileSync(join(scriptsDir, 'images', 'versions.tsv'), 'utf8');
  return text.split('\n').filter((line) => line.trim() && !line.startsWith('#')).map((line) => {
    const [major, suite, local, official] = line.split('\t');
    return { major: Number(major), suite: suite!, local: local!, official: official! };
  });
}

async function present(settings: SandboxSettings, image: string): Promise<boolean> {
  return (await docker(settings.docker, ['image', 'inspect', '--format', '{{.Id}}', image])).exitCode === 0;
}

/**
 * The image to run a major version on: the official `postgres:N` when the
 * engine has it, else our Debian-built equivalent. Nothing is pulled: a run
 * never reaches for a registry on its own.
 */
export async function resolveImage(settings: SandboxSettings, scriptsDir: string, major: number): Promise<string> {
  const row = readImageTable(scriptsDir).find((r) => r.major === major);
  if (!row) {
    const known = readImageTable(scriptsDir).map((r) => r.major).join(', ');
    throw new HarnessError('NoImage', `No image is named for PostgreSQL ${major} (scripts/images/versions.tsv knows ${known})`);
  }
  const override = settings.imageSource;
  const order = override === 'local' ? [row.local] : override === 'official' ? [row.official] : [row.official, row.local];
  for (const image of order) if (await present(settings, image)) return image;
  throw new HarnessError('NoImage', `The Docker engine has no image for PostgreSQL ${major} (looked for ${order.join(' and ')})`,
    { hint: `\`docker pull ${row.official}\` where a registry is reachable, or build it from Debian packages: \`bash scripts/images/build.sh ${major}\` (as root).` });
}

/** Majors whose image the engine already has, for a default matrix. */
export async function availableMajors(settings: SandboxSettings, scriptsDir: string): Promise<number[]> {
  const majors: number[] = [];
  for (const row of readImageTable(scriptsDir)) {
    if ((await present(settings, row.official)) || (await present(settings, row.local))) majors.push(row.major);
  }
  return majors;
}
