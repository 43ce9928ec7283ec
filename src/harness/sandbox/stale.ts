import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { join } from 'node:path';
import { isAlive, killSandboxProcesses } from './processes.ts';

export const SANDBOX_PREFIX = 'runbooks-sandbox-';
/** Prepared clusters that sandboxes copy (one per harness process and PostgreSQL install). */
export const TEMPLATE_PREFIX = 'runbooks-template-';
const OWNER_FILE = '.owner.json';

/** Whether a sandbox directory is itself mounted (its own tmpfs, see local-cluster.ts). */
function isMountPoint(dir: string): boolean {
  try {
    return readFileSync('/proc/self/mounts', 'utf8').split('\n').some((line) => line.split(' ')[1] === dir);
  } catch {
    return false;
  }
}

/** Records which harness process owns a sandbox directory, so a later run can clean up after a crash. */
export function writeOwner(root: string, sandboxId: string): void {
  writeFileSync(join(root, OWNER_FILE), JSON.stringify({ pid: process.pid, sandboxId, created: new Date().toISOString() }));
}

/**
 * Removes sandboxes whose harness died without cleaning up (SIGKILL, a crash):
 * their processes are killed by marker and their directories deleted.
 * Sandboxes of live harness processes are left alone.
 */
export async function sweepStaleSandboxes(base: string): Promise<string[]> {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(base).filter((name) => name.startsWith(SANDBOX_PREFIX) || name.startsWith(TEMPLATE_PREFIX));
  } catch {
    return removed;
  }
  for (const name of entries) {
    const root = join(base, name);
    let owner: { pid: number; sandboxId: string };
    try {
      owner = JSON.parse(readFileSync(join(root, OWNER_FILE), 'utf8'));
    } catch {
      continue;
    }
    if (isAlive(owner.pid)) continue;
    await killSandboxProcesses(owner.sandboxId, root);
    if (existsSync(join(root, 'small-disk'))) await execa('umount', ['-l', join(root, 'small-disk')], { reject: false });
    if (isMountPoint(root)) await execa('umount', ['-l', root], { reject: false });
    rmSync(root, { recursive: true, force: true });
    removed.push(root);
  }
  return removed;
}
