import { randomBytes } from 'node:crypto';
import { execa, type ResultPromise } from 'execa';
import type { StepOutcome } from '../model.ts';
import { HarnessError } from '../errors.ts';
import type { ShellCommand } from '../sandbox/types.ts';
import { StreamCapture } from './capture.ts';

/** `"<status> <command>"` as the ERR trap recorded it. */
function parseFailure(text: string): { status: number; command: string } | undefined {
  const m = /^(\d+) ([\s\S]*)$/.exec(text);
  return m ? { status: Number(m[1]), command: m[2]! } : undefined;
}

/**
 * One long-lived bash, fed step after step like an operator pasting into a
 * terminal: variables, `cd`, functions and `set -o` options carry over.
 *
 * Each step travels base64-encoded (so no text in it can break the framing),
 * is `eval`ed at top level (so `declare` makes globals, unlike inside a
 * function), reads /dev/null as stdin (so it cannot swallow the next step),
 * and is followed by an end marker on stdout and on stderr carrying its exit
 * status. The marker holds a random nonce that step output cannot guess.
 */
export class ShellSession {
  private readonly child: ResultPromise;
  private readonly nonce = randomBytes(8).toString('hex');
  private readonly out = new StreamCapture();
  private readonly err = new StreamCapture();
  private counter = 0;
  private exited: { code: number | null; signal: string | null } | undefined;
  private waiter: (() => void) | undefined;

  private constructor(command: ShellCommand) {
    this.child = execa(command.file, command.args, {
      env: command.env, extendEnv: false, cwd: command.cwd,
      ...(command.uid !== undefined ? { uid: command.uid, gid: command.gid } : {}),
      stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false,
      // Own process group: a terminal's Ctrl-C reaches the CLI, which tears down in order.
      detached: true, cleanup: true, encoding: 'buffer',
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.onData('out', chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.onData('err', chunk));
    this.child.stdin!.on('error', () => { /* the shell died; the exit handler reports it */ });
    void this.child.then((result) => {
      this.exited = { code: result.exitCode ?? null, signal: result.signal ?? null };
      this.wake();
    });
  }

  static async open(command: ShellCommand): Promise<ShellSession> {
    const session = new ShellSession(command);
    // pipefail: a failing `pg_dump` in `pg_dump | gzip` must fail the step (see the format reference).
    const setup = await session.run('set -o pipefail; shopt -s expand_aliases; true', 30_000);
    if (setup.exitCode !== 0) {
      await session.close();
      throw new HarnessError('SandboxStart', `the shell did not start: ${setup.stderr || setup.stdout || `exit ${setup.exitCode}`}`);
    }
    return session;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  /** Runs one step. Never throws: a timeout or a dead shell is part of the outcome. */
  async run(script: string, timeoutMs: number, signal?: AbortSignal): Promise<StepOutcome> {
    const n = ++this.counter;
    const outMarker = Buffer.from(`__RB_${this.nonce}_${n}:`);
    const errMarker = Buffer.from(`__RB_${this.nonce}_${n}.`);
    const started = performance.now();
    let stdout: { piece: { text: string; truncated: boolean }; statusText: string } | undefined;
    let stderr: typeof stdout;
    if (this.exited) return this.ended(started, { text: '', truncated: false }, { text: '', truncated: false });

    const encoded = Buffer.from(script, 'utf8').toString('base64');
    // The ERR trap (with errtrace, for functions) fires exactly where `set -e`
    // would stop: it records the first command that failed while the step
    // carried on, which the downloadable script (set -e) would not survive.
    const line = `__rb_step=$(printf %s '${encoded}' | base64 -d); __rb_err=; `
      + `trap '__rb_s=$?; [ -n "$__rb_err" ] || __rb_err="$__rb_s $BASH_COMMAND"' ERR; set -E; { eval "$__rb_step"; } </dev/null; `
      + `__rb_status=$?; set +E; trap - ERR; `
      + `printf '%s%s %s\\n' '${outMarker}' "$__rb_status" "$(printf %s "$__rb_err" | base64 -w0)"; printf '%s\\n' '${errMarker}' >&2\n`;
    this.child.stdin!.write(line);

    let timedOut = false;
    let aborted = false;
    const timer = setTimeout(() => { timedOut = true; this.wake(); }, timeoutMs);
    const onAbort = (): void => { aborted = true; this.wake(); };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      while (true) {
        stdout ??= this.out.take(outMarker);
        stderr ??= this.err.take(errMarker);
        if (stdout && stderr) break;
        if (this.exited || timedOut || aborted) break;
        await new Promise<void>((resolve) => { this.waiter = resolve; });
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.waiter = undefined;
    }
    if (stdout && stderr) {
      const [statusText = '', failedText = ''] = stdout.statusText.split(' ');
      const status = Number.parseInt(statusText, 10);
      const firstFailure = parseFailure(Buffer.from(failedText, 'base64').toString('utf8'));
      return {
        exitCode: Number.isNaN(status) ? null : status, stdout: stdout.piece.text, stderr: stderr.piece.text,
        ...(firstFailure ? { firstFailure } : {}),
        durationMs: performance.now() - started, timedOut: false, sessionEnded: false,
        truncated: stdout.piece.truncated || stderr.piece.truncated,
      };
    }
    const outPiece = stdout?.piece ?? this.out.flush();
    const errPiece = stderr?.piece ?? this.err.flush();
    if (timedOut || aborted) {
      await this.kill();
      return { exitCode: null, stdout: outPiece.text, stderr: errPiece.text, durationMs: performance.now() - started,
        timedOut, sessionEnded: true, truncated: outPiece.truncated || errPiece.truncated };
    }
    return this.ended(started, outPiece, errPiece);
  }

  private ended(started: number, out: { text: string; truncated: boolean }, err: { text: string; truncated: boolean }): StepOutcome {
    return {
      exitCode: this.exited?.code ?? null, stdout: out.text, stderr: err.text, durationMs: performance.now() - started,
      timedOut: false, sessionEnded: true, truncated: out.truncated || err.truncated,
    };
  }

  private onData(stream: 'out' | 'err', chunk: Buffer): void {
    const capture = stream === 'out' ? this.out : this.err;
    capture.append(chunk);
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /** Kills the shell and everything in its process group. */
  async kill(): Promise<void> {
    const pid = this.child.pid;
    if (pid !== undefined && !this.exited) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    await this.child.catch(() => undefined);
  }

  /** Ends the shell politely, then firmly. */
  async close(): Promise<void> {
    if (this.exited) return;
    this.child.stdin!.end('exit 0\n');
    const timer = setTimeout(() => { void this.kill(); }, 2_000);
    await this.child.catch(() => undefined);
    clearTimeout(timer);
  }
}
