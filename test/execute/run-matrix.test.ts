/**
 * runMatrix starts each worker's next sandbox while the current run's steps
 * run. Told with a stand-in sandbox (our own interface, a real bash as its
 * shell, no server) that records when each sandbox starts, is ready and stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runMatrix } from '../../src/harness/run.ts';
import type { Sandbox, SandboxOptions, StartedSandbox } from '../../src/harness/sandbox/types.ts';
import { makeRunbook, makeStep } from '../unit/build.ts';

type Event = `${'start' | 'ready' | 'stop'} ${string}`;

class RecordingSandbox implements Sandbox {
  readonly kind = 'local' as const;
  readonly description = 'bash, no server';
  readonly events: Event[] = [];
  private count = 0;
  private readonly dir: string;
  private readonly failing: Set<number>;

  constructor(failing: number[] = []) {
    this.dir = mkdtempSync(join(tmpdir(), 'rb-prefetch-'));
    onTestFinished(() => rmSync(this.dir, { recursive: true, force: true }));
    this.failing = new Set(failing);
  }

  async identity(): Promise<string> {
    return 'recording';
  }

  async start(options: SandboxOptions = {}): Promise<StartedSandbox> {
    const n = String(++this.count);
    this.events.push(`start ${n}`);
    await new Promise((r) => setTimeout(r, 100));
    if (options.signal?.aborted) throw new Error('Interrupted while starting the sandbox');
    if (this.failing.has(Number(n))) throw new Error(`sandbox ${n} did not start`);
    this.events.push(`ready ${n}`);
    const events = this.events;
    const dir = this.dir;
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      events.push(`stop ${n}`);
    };
    return {
      kind: 'local', id: n, server: { version: 'none', major: 15, source: 'bash' }, extraServers: {}, stepEnv: { SANDBOX: n },
      shell: () => ({ file: '/bin/bash', args: ['--noprofile', '--norc'], env: { PATH: '/usr/bin:/bin', SANDBOX: n }, cwd: dir }),
      checkIdentity: async () => undefined, killAll: async () => undefined, copyBackupsOut: async () => undefined,
      stop, [Symbol.asyncDispose]: stop,
    };
  }
}

const page = (file: string, code = 'sleep 0.3') => makeRunbook(file, { steps: [makeStep({ code, id: 'work', position: { file, line: 10, column: 1 } })] });

describe('runMatrix', () => {
  it("starts the next run's sandbox once the current one is ready, before the current run ends; each run in its own", async () => {
    const sandbox = new RecordingSandbox();
    const pages = ['content/a.md', 'content/b.md', 'content/c.md'].map((f) => ({ runbook: page(f, 'echo "sandbox $SANDBOX"; sleep 0.3'), sandbox, major: 15 }));
    const results = await runMatrix(pages, { jobs: 1 });
    expect(results.map((r) => [r.runbook.file, r.status, r.steps[0]!.outcome?.stdout.trim()])).toEqual([
      ['content/a.md', 'passed', 'sandbox 1'], ['content/b.md', 'passed', 'sandbox 2'], ['content/c.md', 'passed', 'sandbox 3'],
    ]);
    const at = (e: Event): number => sandbox.events.indexOf(e);
    expect(at('start 2')).toBeGreaterThan(at('ready 1'));
    expect(at('start 2')).toBeLessThan(at('stop 1'));
    expect(at('start 3')).toBeLessThan(at('stop 2'));
    expect(sandbox.events.filter((e) => e.startsWith('start'))).toHaveLength(3);
    expect(sandbox.events.filter((e) => e.startsWith('stop'))).toHaveLength(3);
  });

  it('stops a sandbox started ahead for a run that an interrupt cancels, and reports only the runs that started', async () => {
    const sandbox = new RecordingSandbox();
    const controller = new AbortController();
    const pages = ['content/a.md', 'content/b.md', 'content/c.md'].map((f) => ({ runbook: page(f, 'sleep 5'), sandbox, major: 15 }));
    setTimeout(() => controller.abort(), 600);
    const results = await runMatrix(pages, { jobs: 1, signal: controller.signal });
    expect(results.map((r) => r.runbook.file)).toEqual(['content/a.md']);
    expect(sandbox.events).toContain('ready 2');
    expect(sandbox.events.filter((e) => e.startsWith('start')).length).toBe(sandbox.events.filter((e) => e.startsWith('stop')).length);
    expect(sandbox.events).not.toContain('start 3');
  });

  it('reports a sandbox started ahead that failed as that run\'s error, and goes on', async () => {
    const sandbox = new RecordingSandbox([2]);
    const pages = ['content/a.md', 'content/b.md', 'content/c.md'].map((f) => ({ runbook: page(f), sandbox, major: 15 }));
    const results = await runMatrix(pages, { jobs: 1 });
    expect(results.map((r) => [r.runbook.file, r.status, r.error ?? ''])).toEqual([
      ['content/a.md', 'passed', ''], ['content/b.md', 'error', 'sandbox 2 did not start'], ['content/c.md', 'passed', ''],
    ]);
  });
});
