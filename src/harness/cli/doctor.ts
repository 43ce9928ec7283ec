import { execa } from 'execa';
import type { Io } from './main.ts';
import { HarnessError } from '../errors.ts';
import { findPostgres } from '../sandbox/postgres-binaries.ts';
import { osUser } from '../sandbox/os-user.ts';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** Needed by the default `verify`; the others are for later sandboxes. */
  required: boolean;
}

async function checkNode(): Promise<Check> {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 22 || (major === 22 && minor >= 22);
  return { name: 'Node.js', ok, required: true, detail: `${process.version} (${process.execPath})`,
    ...(ok ? {} : { fix: 'Run through npm (`npm run verify`), which puts the project\'s Node 24 from node_modules first on PATH, or install Node ≥ 22.22.' }) };
}

async function checkPostgres(env: NodeJS.ProcessEnv): Promise<Check> {
  try {
    const install = await findPostgres({ path: env.PATH ?? '' });
    return { name: 'PostgreSQL', ok: true, required: true, detail: `${install.version} in ${install.binDir} (found via ${install.foundBy})` };
  } catch (error) {
    return { name: 'PostgreSQL', ok: false, required: true, detail: (error as Error).message,
      fix: 'Debian/Ubuntu: `apt-get install postgresql-15` (or `bash scripts/setup.sh`); macOS: `brew install postgresql@17`; or pass --pg-bin DIR.' };
  }
}

async function checkUser(): Promise<Check> {
  try {
    const user = await osUser();
    return { name: 'Sandbox user', ok: true, required: true, detail: user.uid !== undefined ? `running as root: sandboxes run as \`postgres\` (uid ${user.uid})` : `sandboxes run as ${user.name}` };
  } catch (error) {
    return { name: 'Sandbox user', ok: false, required: true, detail: (error as HarnessError).message, fix: (error as HarnessError).hint };
  }
}

async function checkDocker(): Promise<Check> {
  const result = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 10_000 });
  if (result.exitCode === 0) return { name: 'Docker', ok: true, required: false, detail: `engine ${result.stdout.trim()}` };
  const missing = (result as { code?: string }).code === 'ENOENT';
  return { name: 'Docker', ok: false, required: false, detail: missing ? 'no docker client' : `no engine answers (${(result.stderr || 'no output').split('\n')[0]})`,
    fix: 'Not needed for the local sandbox. Debian: `apt-get install docker.io` and start `dockerd`.' };
}

/** `runbooks doctor`: what this machine has, what it lacks, how to get it. Exit 1 if `verify` cannot run. */
export async function doctorCommand(io: Io): Promise<number> {
  const checks = await Promise.all([checkNode(), checkPostgres(io.env), checkUser(), checkDocker()]);
  for (const check of checks) {
    io.stdout(`${check.ok ? '✓' : check.required ? '✗' : '-'} ${check.name.padEnd(13)} ${check.detail}\n`);
    if (!check.ok && check.fix) io.stdout(`  ${''.padEnd(13)} fix: ${check.fix}\n`);
  }
  const blocking = checks.filter((c) => c.required && !c.ok);
  io.stdout(blocking.length ? `\n${blocking.length} problem(s) stop \`runbooks verify\`.\n` : '\nReady: `npm run verify` can run every runbook here.\n');
  io.stdout('Harness error codes and fixes: content/reference/harness-errors.md\n');
  return blocking.length ? 1 : 0;
}
