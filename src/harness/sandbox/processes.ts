import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The variable every process started in a sandbox inherits; its value is the sandbox id. */
export const MARKER_VARIABLE = 'RUNBOOKS_SANDBOX';

/**
 * The processes of a sandbox: those carrying `RUNBOOKS_SANDBOX=<id>` in their
 * environment, and those whose working directory is inside the sandbox.
 * Daemons a step started escape the shell's process group (`pg_ctl start`
 * gives the postmaster its own session) but keep the variable. PostgreSQL
 * itself is the exception: it overwrites its environment area with its
 * process title, so servers are found by their working directory, which is
 * always their data directory.
 */
export function processesOf(sandboxId: string, root?: string): number[] {
  const needle = Buffer.from(`\0${MARKER_VARIABLE}=${sandboxId}\0`);
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    if (root !== undefined && inside(root, `/proc/${entry}/cwd`)) {
      pids.push(Number(entry));
      continue;
    }
    try {
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${entry}/environ`)]);
      if (environ.includes(needle)) pids.push(Number(entry));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return pids;
}

/** Alive and not a zombie (a zombie has exited; it only waits for its parent to reap it). */
function inside(root: string, link: string): boolean {
  try {
    const cwd = readlinkSync(link);
    return cwd === root || cwd.startsWith(`${root}/`);
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** SIGKILLs the processes and waits (up to `waitMs`) until they are gone. Returns those still alive. */
export async function killAndWait(pids: number[], waitMs = 5_000): Promise<number[]> {
  for (const pid of pids) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  const deadline = Date.now() + waitMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(20);
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** Kills every process of a sandbox, repeating while new ones appear (a dying shell may spawn). */
export async function killSandboxProcesses(sandboxId: string, root?: string): Promise<number[]> {
  for (let round = 0; round < 5; round++) {
    const pids = processesOf(sandboxId, root).filter((pid) => pid !== process.pid);
    if (pids.length === 0) return [];
    const alive = await killAndWait(pids);
    if (alive.length > 0 && round === 4) return alive;
  }
  return processesOf(sandboxId, root);
}
