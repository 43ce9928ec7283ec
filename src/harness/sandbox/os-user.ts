import { execa } from 'execa';
import { userInfo } from 'node:os';
import { HarnessError } from '../errors.ts';

export interface OsUser {
  name: string;
  uid?: number;
  gid?: number;
  /** Spread into execa options: empty when we already are that user. */
  spawnIds: { uid?: number; gid?: number };
}

/**
 * PostgreSQL refuses to run as root. When the harness is root (CI, containers),
 * the sandbox and its steps run as the `postgres` OS user, as an operator would
 * with `sudo -u postgres`; otherwise as the caller.
 */
export async function osUser(): Promise<OsUser> {
  if (process.getuid?.() !== 0) return { name: userInfo().username, spawnIds: {} };
  const [uid, gid] = await Promise.all([
    execa('id', ['-u', 'postgres'], { reject: false }),
    execa('id', ['-g', 'postgres'], { reject: false }),
  ]);
  if (uid.exitCode !== 0 || gid.exitCode !== 0) {
    throw new HarnessError('RunAsRoot', 'Running as root, and there is no `postgres` OS user to run the sandbox as');
  }
  const ids = { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  return { name: 'postgres', ...ids, spawnIds: ids };
}
