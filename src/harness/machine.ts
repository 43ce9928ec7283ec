import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { HarnessError } from './errors.ts';
import { findPostgres } from './sandbox/postgres-binaries.ts';
import { osUser } from './sandbox/os-user.ts';
import { docker, dockerEngine } from './sandbox/docker.ts';
import { dockerClientEnv } from './sandbox/settings.ts';
import { readImageTable } from './sandbox/images.ts';
import { projectPaths } from './files/project.ts';
import { localReaperImage, OFFICIAL_RYUK_IMAGE } from './sandbox/ryuk.ts';
import { meetsNode, requiredNode } from './files/node-requirement.ts';

/** One thing `verify` needs from this machine: whether it is there, and how to get it when not. */
export interface MachineCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** Needed by the default `verify`; the others are for other sandboxes, the local sandbox's tools, or the tests. */
  required: boolean;
}

/** Where the install commands come from: Debian/Ubuntu (apt-get, as root or through sudo), macOS (Homebrew), or another system. */
export interface Platform {
  kind: 'debian' | 'macos' | 'other';
  root: boolean;
  /** For the header line: "Debian GNU/Linux 12 (bookworm)", "macOS". */
  name: string;
}

/** process.platform + /etc/os-release (when there is one) + the uid → the platform. Pure. */
export function detectPlatform(platform: NodeJS.Platform, osRelease: string | undefined, uid: number): Platform {
  const root = uid === 0;
  if (platform === 'darwin') return { kind: 'macos', root, name: 'macOS' };
  const field = (key: string): string => new RegExp(`^${key}=("?)(.*)\\1$`, 'm').exec(osRelease ?? '')?.[2] ?? '';
  const ids = `${field('ID')} ${field('ID_LIKE')}`.toLowerCase();
  const name = field('PRETTY_NAME') || platform;
  return { kind: /\b(debian|ubuntu)\b/.test(ids) ? 'debian' : 'other', root, name };
}

/** The tools the runbooks call besides PostgreSQL's own, as scripts/setup.sh installs them (Debian package; Homebrew formula). */
export const RUNBOOK_TOOLS: readonly { tool: string; deb: string; brew?: string }[] = [
  { tool: 'pgbackrest', deb: 'pgbackrest', brew: 'pgbackrest' },
  { tool: 'rsync', deb: 'rsync', brew: 'rsync' },
  { tool: 'shellcheck', deb: 'shellcheck', brew: 'shellcheck' },
  { tool: 'gpg', deb: 'gnupg', brew: 'gnupg' },
  { tool: 'openssl', deb: 'openssl', brew: 'openssl' },
  { tool: 'zstd', deb: 'zstd', brew: 'zstd' },
  { tool: 'lz4', deb: 'lz4', brew: 'lz4' },
  { tool: 'bzip2', deb: 'bzip2', brew: 'bzip2' },
  { tool: 'xz', deb: 'xz-utils', brew: 'xz' },
  { tool: 'script', deb: 'bsdutils' },
];

/** What doctor found, before any advice: gathered by `machineFacts`, or written by hand in a test. */
export interface MachineFacts {
  platform: Platform;
  node: { version: string; execPath: string; ok: boolean; required: string };
  postgres: { ok: true; detail: string } | { ok: false; detail: string };
  user: { ok: true; detail: string } | { ok: false; detail: string; fix: string };
  docker: { ok: true; version: string } | { ok: false; clientMissing: boolean; reason: string };
  /** One per row of scripts/images/versions.tsv, with the image the engine has (undefined: none). Empty without an engine. */
  images: { major: number; official: string; local?: string; present?: string }[];
  /** Ryuk's image (the official one or setup's stand-in), when the engine has one; only looked for with an engine. */
  reaper?: { present?: string; local: string };
  /** Where Chromium is, for the site's browser tests; undefined when missing. */
  chromium?: string;
  /** Each of RUNBOOK_TOOLS, with where it is on PATH (undefined: missing). */
  tools: { tool: string; path?: string }[];
}

/** `apt-get install …` as root, with sudo (or an admin) otherwise. Pure. */
function apt(platform: Platform, packages: string): string {
  return platform.root ? `\`apt-get install ${packages}\`` : `\`sudo apt-get install ${packages}\` (or ask your admin)`;
}

/** A platform's way to install Debian-named packages; the Homebrew formulae when it has them. */
function install(platform: Platform, deb: string, brew?: string): string {
  if (platform.kind === 'debian') return apt(platform, deb);
  if (platform.kind === 'macos') return brew ? `\`brew install ${brew}\`` : 'comes with macOS';
  return `your package manager (Debian calls it ${deb})`;
}

function dockerFix(platform: Platform, docker: Extract<MachineFacts['docker'], { ok: false }>): string {
  const macos = 'install Docker Desktop (`brew install --cask docker-desktop`) and start it';
  if (platform.kind === 'macos') return docker.clientMissing ? macos : 'start Docker Desktop (`open -a Docker`)';
  if (/permission denied/i.test(docker.reason)) {
    return 'your user may not use the engine: `sudo usermod -aG docker $USER`, then log out and in (or ask your admin)';
  }
  if (platform.kind === 'debian') {
    if (platform.root) return docker.clientMissing ? '`apt-get install docker.io`, then `bash scripts/docker-engine.sh ensure`' : '`bash scripts/docker-engine.sh ensure`';
    return docker.clientMissing ? `${apt(platform, 'docker.io')}, then \`sudo usermod -aG docker $USER\` and log in again` : '`sudo systemctl start docker` (or ask your admin)';
  }
  return docker.clientMissing ? 'install Docker Engine (or Docker Desktop) with your package manager' : 'start the Docker engine';
}

/** One image row's check: present, or how to get it here (or that it cannot be had here). */
function imageCheck(platform: Platform, row: MachineFacts['images'][number]): MachineCheck {
  const name = `image ${row.major}`;
  if (row.present) return { name, ok: true, required: false, detail: row.present };
  const pull = `\`docker pull ${row.official}\` where a registry answers`;
  if (row.local === undefined) {
    // versions.tsv's `-`: no Debian suite packages this major, so nothing can be built; a registry is the only way.
    return { name, ok: false, required: false, detail: `not available here (no Debian suite packages PostgreSQL ${row.major}; the matrix says "no server for ${row.major} here")`, fix: pull };
  }
  const build = platform.kind === 'debian'
    ? `, or build ${row.local} from Debian packages: ${platform.root ? '' : 'as root, '}\`${platform.root ? '' : 'sudo '}bash scripts/images/build.sh ${row.major}\``
    : '';
  return { name, ok: false, required: false, detail: `no ${row.official} or ${row.local}`, fix: `${pull}${build}` };
}

/**
 * Facts → what doctor prints: each piece, whether it is there, and the
 * command that installs it on this platform. Pure (see test/unit/doctor.test.ts).
 */
export function machineAdvice(facts: MachineFacts): MachineCheck[] {
  const { platform } = facts;
  const checks: MachineCheck[] = [];
  checks.push({ name: 'Node.js', ok: facts.node.ok, required: true, detail: `${facts.node.version} (${facts.node.execPath})`,
    ...(facts.node.ok ? {} : { fix: `\`npm ci\`, then run through npm (\`npm run verify\`), which puts the project's Node from node_modules first on PATH; or install Node ≥ ${facts.node.required}` }) });

  const pg = platform.kind === 'debian'
    ? `${apt(platform, 'postgresql')}${platform.root ? ' (or `bash scripts/setup.sh`)' : ''}`
    : platform.kind === 'macos'
      ? '`brew install postgresql@17`, then `export PATH="$(brew --prefix postgresql@17)/bin:$PATH"` (or pass --pg-bin)'
      : 'your package manager\'s PostgreSQL server package (initdb, pg_ctl), or pass --pg-bin DIR';
  checks.push({ name: 'PostgreSQL', ok: facts.postgres.ok, required: true, detail: facts.postgres.detail, ...(facts.postgres.ok ? {} : { fix: pg }) });
  checks.push({ name: 'Sandbox user', required: true, ...facts.user });

  if (facts.docker.ok) {
    checks.push({ name: 'Docker', ok: true, required: false, detail: `engine ${facts.docker.version}` });
    for (const row of facts.images) checks.push(imageCheck(platform, row));
    if (facts.reaper) {
      const { present, local } = facts.reaper;
      checks.push({ name: 'Ryuk', ok: present !== undefined, required: false,
        detail: present ? `${present}: verify's containers are removed even if the harness is killed` : "no image: the harness's own reaper removes containers (a killed harness's at the next run)",
        ...(present ? {} : { fix: `\`docker pull ${OFFICIAL_RYUK_IMAGE}\` where a registry answers, or build ${local} from a PostgreSQL image: \`bash scripts/images/reaper/build.sh\`` }) });
    }
  } else {
    checks.push({ name: 'Docker', ok: false, required: false,
      detail: `${facts.docker.clientMissing ? 'no docker client' : `no engine answers (${facts.docker.reason})`}; not needed for the local sandbox`,
      fix: dockerFix(platform, facts.docker) });
  }

  for (const { tool, path } of facts.tools) {
    const known = RUNBOOK_TOOLS.find((t) => t.tool === tool)!;
    checks.push({ name: tool, ok: path !== undefined, required: false, detail: path ?? "missing: the local sandbox's runbooks that call it fail (the images have it)",
      ...(path ? {} : { fix: install(platform, known.deb, known.brew) }) });
  }

  const chromiumFix = platform.kind === 'debian' ? apt(platform, 'chromium fonts-dejavu-core')
    : platform.kind === 'macos' ? "not on macOS: the site tests drive Debian's /usr/bin/chromium (test/site/site-harness.ts); CI runs them"
      : 'install Chromium at /usr/bin/chromium';
  checks.push({ name: 'Chromium', ok: facts.chromium !== undefined, required: false, detail: facts.chromium ?? 'no /usr/bin/chromium: only the site\'s browser tests need it',
    ...(facts.chromium ? {} : { fix: chromiumFix }) });
  return checks;
}

/** The first executable `name` on PATH. */
function which(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch { /* next */ }
  }
  return undefined;
}

function readOsRelease(): string | undefined {
  try {
    return readFileSync('/etc/os-release', 'utf8');
  } catch {
    return undefined;
  }
}

/** This machine's facts (the I/O half of doctor). */
export async function machineFacts(env: NodeJS.ProcessEnv): Promise<MachineFacts> {
  const path = env.PATH ?? '';
  const platform = detectPlatform(process.platform, readOsRelease(), process.getuid?.() ?? -1);
  const required = requiredNode();
  const dockerEnv = dockerClientEnv(env);
  const [postgres, user, engine] = await Promise.all([
    findPostgres({ path }).then((i) => ({ ok: true as const, detail: `${i.version} in ${i.binDir} (found via ${i.foundBy})` }),
      (error: Error) => ({ ok: false as const, detail: error.message })),
    osUser().then((u) => ({ ok: true as const, detail: u.uid !== undefined ? `running as root: sandboxes run as \`postgres\` (uid ${u.uid})` : `sandboxes run as ${u.name}` }),
      (error: HarnessError) => ({ ok: false as const, detail: error.message, fix: error.hint })),
    dockerEngine(dockerEnv),
  ]);
  const images: MachineFacts['images'] = [];
  if (engine.ok) {
    const has = async (image: string | undefined): Promise<boolean> => image !== undefined && (await docker(dockerEnv, ['image', 'inspect', '--format', '{{.Id}}', image], 10_000)).exitCode === 0;
    for (const row of readImageTable(projectPaths().scripts)) {
      const present = (await has(row.official)) ? row.official : (await has(row.local)) ? row.local : undefined;
      images.push({ major: row.major, official: row.official, ...(row.local ? { local: row.local } : {}), ...(present ? { present } : {}) });
    }
  }
  const local = localReaperImage(projectPaths().scripts);
  let reaper: MachineFacts['reaper'];
  if (engine.ok) {
    const present = [OFFICIAL_RYUK_IMAGE, local];
    const found = (await Promise.all(present.map(async (i) => (await docker(dockerEnv, ['image', 'inspect', '--format', '{{.Id}}', i], 10_000)).exitCode === 0 ? i : undefined))).find(Boolean);
    reaper = { local, ...(found ? { present: found } : {}) };
  }
  const chromium = which('chromium', '/usr/bin');
  return {
    platform, postgres, user, images, ...(reaper ? { reaper } : {}),
    node: { version: process.version, execPath: process.execPath, ok: meetsNode(process.versions.node, required), required: `${required.major}.${required.minor}` },
    docker: engine.ok ? { ok: true, version: engine.version } : { ok: false, clientMissing: engine.clientMissing, reason: engine.reason },
    ...(chromium ? { chromium } : {}),
    tools: RUNBOOK_TOOLS.map(({ tool }) => {
      const found = which(tool, path);
      return found ? { tool, path: found } : { tool };
    }),
  };
}

/** What this machine has for the harness, and how to get what it lacks, for `runbooks doctor`. */
export async function machineChecks(env: NodeJS.ProcessEnv): Promise<{ platform: Platform; checks: MachineCheck[] }> {
  const facts = await machineFacts(env);
  return { platform: facts.platform, checks: machineAdvice(facts) };
}
