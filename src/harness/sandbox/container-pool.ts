import type { StartedTestContainer } from 'testcontainers';

/**
 * Where a run may leave anything: tmpfs mounts of the container, emptied
 * between runs. Everything else a step writes lands in the container's own
 * filesystem, where `CHANGED` finds it.
 */
export const SCRATCH = ['/sandbox', '/tmp', '/var/tmp', '/dev/shm'] as const;

/** Touched (as root) when the container is new: whatever changes later has a newer ctime, which no user can set back. */
const STAMP = '/opt/runbooks/new';

/**
 * Paths on the container's own filesystem changed since STAMP, outside the
 * scratch mounts: `docker diff` would say the same, but takes ~0.4 s per call
 * on this engine against ~0.05 s for this walk of ~10,000 files.
 */
const CHANGED = `find / -xdev \\( ${[...SCRATCH, '/proc', '/sys', '/dev'].map((d) => `-path ${d}`).join(' -o ')} \\) -prune -o -cnewer ${STAMP} -print | sort | head -20`;

/**
 * Run as root between two runs in one container: every process of the
 * sandbox user is killed (the step shell, what it left in the background,
 * the server) and waited for, System V IPC is removed, the scratch mounts
 * are emptied; then it prints what changed elsewhere (CHANGED). Exits 3 when
 * a process of the user outlives SIGKILL for 5 s, 4 when emptying fails.
 */
export function resetScript(user = 'postgres'): string {
  const alive = `awk -v uid="$uid" 'FNR == 1 { s = "" } /^State:/ { s = $2 } /^Uid:/ { if ($2 == uid && s != "Z") n++ } END { print n + 0 }' /proc/[0-9]*/status 2>/dev/null`;
  return [
    'set -u',
    `uid=$(id -u ${user})`,
    // kill(-1) as the user: every process the user owns but this one, in one system call.
    `setpriv --reuid=${user} --regid=${user} --clear-groups bash -c 'kill -9 -1' 2>/dev/null`,
    `for _ in $(seq 250); do [ "$(${alive})" = 0 ] && break; sleep 0.02; done`,
    `[ "$(${alive})" = 0 ] || { echo "processes of ${user} survived SIGKILL" >&2; exit 3; }`,
    'ipcrm --all 2>/dev/null',
    `find ${SCRATCH.join(' ')} -mindepth 1 -delete || exit 4`,
    'chown root:root /sandbox && chmod 0755 /sandbox && chmod 1777 /tmp /var/tmp /dev/shm || exit 4',
    CHANGED,
  ].join('\n');
}

interface Idle {
  container: StartedTestContainer;
  /** CHANGED of the container when it was new: a reset container must print exactly this. */
  baseline: string;
}

/**
 * Containers kept between runs of one major version, so a run costs a fresh
 * cluster (a copy of the template and a server start, ~0.3 s) instead of a
 * new container (~1–2 s with its teardown). A run never shares a server or a
 * process with another: a container goes back to the pool only after `reset`
 * proved nothing of the last run is left, and only one run uses it at a time.
 * Anything else (a run wrote outside the scratch mounts, the reset failed)
 * and the container is removed instead.
 */
export class ContainerPool {
  private readonly idle: Idle[] = [];
  private closed = false;
  private readonly remove: (container: StartedTestContainer) => Promise<void>;

  constructor(remove: (container: StartedTestContainer) => Promise<void>) {
    this.remove = remove;
  }

  take(): Idle | undefined {
    return this.idle.pop();
  }

  /** Marks a new container's state, to compare later resets against; throws when it cannot. */
  async baseline(container: StartedTestContainer): Promise<string> {
    const marked = await container.exec(['bash', '-c', `set -euo pipefail; touch ${STAMP}; ${CHANGED}`], { user: 'root' });
    if (marked.exitCode !== 0) throw new Error(`marking the container failed: ${marked.stderr.trim()}`);
    return marked.stdout;
  }

  /** Resets the container and keeps it, or removes it; says which, and why when removed. */
  async give(container: StartedTestContainer, baseline: string): Promise<{ kept: boolean; why?: string }> {
    const reset = await container.exec(['bash', '-c', resetScript()], { user: 'root' }).catch((error: Error) => ({ exitCode: -1, stdout: '', stderr: error.message }));
    let why: string | undefined;
    if (reset.exitCode !== 0) why = `reset failed (exit ${reset.exitCode}): ${reset.stderr.trim()}`;
    else if (reset.stdout !== baseline) why = `the run changed files outside the scratch mounts: ${changed(baseline, reset.stdout).slice(0, 5).join(', ')}`;
    if (why !== undefined || this.closed) {
      await this.remove(container);
      return { kept: false, ...(why ? { why } : {}) };
    }
    this.idle.push({ container, baseline });
    return { kept: true };
  }

  /** Removes every idle container; containers given back later are removed too. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((i) => this.remove(i.container)));
  }
}

/** The lines of `now` that `before` lacks: what a run changed. */
function changed(before: string, now: string): string[] {
  const had = new Set(before.split('\n'));
  return now.split('\n').filter((line) => line && !had.has(line));
}
