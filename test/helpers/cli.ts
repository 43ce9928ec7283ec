import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { onTestFinished } from 'vitest';
import { projectPaths } from '../../src/harness/files/project.ts';
import { processesOf } from '../../src/harness/sandbox/processes.ts';
import { SANDBOX_PREFIX, sweepStaleSandboxes, TEMPLATE_PREFIX } from '../../src/harness/sandbox/stale.ts';

const { root } = projectPaths();
export const CLI = join(root, 'scripts', 'runbooks.mjs');

/**
 * A scratch project for one test: a copy of some runbooks (to mutate freely,
 * never the committed ones) and a private TMPDIR, so the sandboxes the CLI
 * creates can be counted afterwards without seeing other tests' sandboxes.
 */
export function scratch(): { dir: string; tmp: string; copy: (file: string) => string; write: (file: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'rb-cli-'));
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  // The sandbox user (postgres, when tests run as root) must reach the private TMPDIR.
  chmodSync(dir, 0o755);
  chmodSync(tmp, 0o1777);
  // A test that failed after killing a harness outright leaves its sandbox running (and its small
  // disk mounted): sweep it as the next run would, or the directory cannot be removed.
  onTestFinished(async () => {
    await sweepStaleSandboxes(tmp);
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir, tmp,
    copy: (file) => {
      const target = join(dir, file);
      mkdirSync(join(target, '..'), { recursive: true });
      cpSync(join(root, file), target);
      return target;
    },
    write: (file, text) => {
      const target = join(dir, file);
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, text);
      return target;
    },
  };
}

export function runCli(args: string[], cwd: string, tmp: string, env: Record<string, string> = {}): ResultPromise<{ reject: false; all: true }> {
  // Each scratch project gets its own result cache: a test must never be passed by another test's results.
  if (args[0] === 'verify' && !args.includes('--cache')) args = [...args, '--cache', join(cwd, '.runbooks-cache')];
  return execa(process.execPath, [CLI, ...args], {
    cwd, reject: false, all: true, env: { ...process.env, TMPDIR: tmp, FORCE_COLOR: '0', ...env }, extendEnv: false,
  });
}

/** Sandboxes (directories and processes) still present under a private TMPDIR. */
export function leftovers(tmp: string): { dirs: string[]; processes: number[] } {
  const dirs = readdirSync(tmp).filter((n) => n.startsWith(SANDBOX_PREFIX) || n.startsWith(TEMPLATE_PREFIX));
  return { dirs, processes: processesOf('no-such-id', tmp) };
}

export function mutate(path: string, from: string | RegExp, to: string): void {
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`mutation found nothing to replace in ${path}: ${String(from)}`);
  writeFileSync(path, next);
}

/**
 * Waits until a running CLI has printed `✓ <stepId>` (the sandbox is up and that step passed), so a test
 * can interrupt it mid-run; fails with the output so far if the CLI exits first.
 */
export async function untilPassed(child: ReturnType<typeof runCli>, stepId: string, times = 1): Promise<() => string> {
  let output = '';
  let exited = false;
  void child.then(() => { exited = true; });
  child.all!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  while (output.split(`✓ ${stepId}`).length - 1 < times) {
    if (exited) throw new Error(output);
    await new Promise((r) => setTimeout(r, 50));
  }
  return () => output;
}
