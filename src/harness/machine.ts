import { HarnessError } from './errors.ts';
import { findPostgres } from './sandbox/postgres-binaries.ts';
import { osUser } from './sandbox/os-user.ts';
import { dockerEngine } from './sandbox/docker.ts';
import { dockerClientEnv } from './sandbox/settings.ts';
import { meetsNode, requiredNode } from './files/node-requirement.ts';

/** One thing `verify` needs from this machine: whether it is there, and how to get it when not. */
export interface MachineCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** Needed by the default `verify`; the others are for other sandboxes. */
  required: boolean;
}

async function checkNode(): Promise<MachineCheck> {
  const required = requiredNode();
  const ok = meetsNode(process.versions.node, required);
  return { name: 'Node.js', ok, required: true, detail: `${process.version} (${process.execPath})`,
    ...(ok ? {} : { fix: `Run through npm (\`npm run verify\`), which puts the project's Node 24 from node_modules first on PATH, or install Node ≥ ${required.major}.${required.minor}.` }) };
}

async function checkPostgres(env: NodeJS.ProcessEnv): Promise<MachineCheck> {
  try {
    const install = await findPostgres({ path: env.PATH ?? '' });
    return { name: 'PostgreSQL', ok: true, required: true, detail: `${install.version} in ${install.binDir} (found via ${install.foundBy})` };
  } catch (error) {
    return { name: 'PostgreSQL', ok: false, required: true, detail: (error as Error).message,
      fix: 'Debian/Ubuntu: `apt-get install postgresql-15` (or `bash scripts/setup.sh`); macOS: `brew install postgresql@17`; or pass --pg-bin DIR.' };
  }
}

async function checkUser(): Promise<MachineCheck> {
  try {
    const user = await osUser();
    return { name: 'Sandbox user', ok: true, required: true, detail: user.uid !== undefined ? `running as root: sandboxes run as \`postgres\` (uid ${user.uid})` : `sandboxes run as ${user.name}` };
  } catch (error) {
    return { name: 'Sandbox user', ok: false, required: true, detail: (error as HarnessError).message, fix: (error as HarnessError).hint };
  }
}

async function checkDocker(env: NodeJS.ProcessEnv): Promise<MachineCheck> {
  const engine = await dockerEngine(dockerClientEnv(env));
  if (engine.ok) return { name: 'Docker', ok: true, required: false, detail: `engine ${engine.version}` };
  return { name: 'Docker', ok: false, required: false, detail: engine.clientMissing ? 'no docker client' : `no engine answers (${engine.reason})`,
    fix: 'Not needed for the local sandbox. Debian: `apt-get install docker.io` and start `dockerd`.' };
}

/** What this machine has for the harness (Node, PostgreSQL, the sandbox user, Docker), for `runbooks doctor`. */
export function machineChecks(env: NodeJS.ProcessEnv): Promise<MachineCheck[]> {
  return Promise.all([checkNode(), checkPostgres(env), checkUser(), checkDocker(env)]);
}
