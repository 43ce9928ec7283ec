import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../errors.ts';

/** The tools a runbook may call; a directory lacking one of them is not usable. */
export const REQUIRED_TOOLS = ['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_dump', 'pg_restore', 'pg_dumpall', 'pg_controldata'] as const;

export interface PostgresInstall {
  binDir: string;
  major: number;
  /** `15.18` */
  version: string;
  /** How it was found, for `doctor` and the run header. */
  foundBy: string;
}

export interface FindOptions {
  /** An explicit directory (`--pg-bin`, RUNBOOKS_PG_BIN). */
  binDir?: string;
  /** Only this major version. */
  major?: number;
  /** The caller's PATH, searched for pg_config and initdb. */
  path?: string;
}

/** Every candidate directory, in the order we trust them. */
async function candidates(options: FindOptions): Promise<{ dir: string; foundBy: string }[]> {
  const list: { dir: string; foundBy: string }[] = [];
  for (const dir of (options.path ?? '').split(delimiter).filter(Boolean)) {
    if (existsSync(join(dir, 'pg_config'))) {
      const result = await execa(join(dir, 'pg_config'), ['--bindir'], { reject: false });
      if (result.exitCode === 0 && result.stdout.trim()) list.push({ dir: result.stdout.trim(), foundBy: `pg_config on PATH (${dir})` });
    }
    if (existsSync(join(dir, 'initdb'))) list.push({ dir, foundBy: 'PATH' });
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
    for (const major of majors) list.push({ dir: join(debian, major, 'bin'), foundBy: `Debian's ${debian}/${major}/bin` });
  }
  for (const dir of ['/usr/local/pgsql/bin', '/opt/homebrew/bin', '/usr/local/bin']) list.push({ dir, foundBy: dir });
  return list;
}

async function inspect(dir: string, foundBy: string): Promise<PostgresInstall | string> {
  const missing = REQUIRED_TOOLS.filter((tool) => !existsSync(join(dir, tool)));
  if (missing.length > 0) return `${dir}: missing ${missing.join(', ')}`;
  const result = await execa(join(dir, 'postgres'), ['--version'], { reject: false });
  const m = /\(PostgreSQL\) (\d+)(?:\.(\d+))?/.exec(result.stdout);
  if (!m) return `${dir}: \`postgres --version\` printed ${JSON.stringify(result.stdout || result.stderr)}`;
  return { binDir: dir, major: Number(m[1]), version: m[2] ? `${m[1]}.${m[2]}` : m[1]!, foundBy };
}

/** Finds PostgreSQL server binaries, or throws a HarnessError that lists what was tried. */
export async function findPostgres(options: FindOptions = {}): Promise<PostgresInstall> {
  const tried: string[] = [];
  const list = options.binDir ? [{ dir: options.binDir, foundBy: 'explicit setting' }] : await candidates(options);
  const seen = new Set<string>();
  for (const { dir, foundBy } of list) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    if (!existsSync(dir)) continue;
    const found = await inspect(dir, foundBy);
    if (typeof found === 'string') {
      tried.push(found);
      continue;
    }
    if (options.major !== undefined && found.major !== options.major) {
      tried.push(`${dir}: PostgreSQL ${found.major}, not ${options.major}`);
      continue;
    }
    return found;
  }
  const wanted = options.major !== undefined ? `PostgreSQL ${options.major}` : 'PostgreSQL';
  const detail = tried.length ? `; tried ${tried.join('; ')}` : '';
  throw new HarnessError('NoPostgres', `No ${wanted} server binaries found${detail}`,
    options.major !== undefined ? { hint: `Install them (Debian: \`apt-get install postgresql-${options.major}\`) or pass --pg-bin DIR.` } : {});
}
