import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ShellSession } from '../../src/harness/execute/session.ts';
import { processesOf } from '../../src/harness/sandbox/processes.ts';
import { MARKER_VARIABLE } from '../../src/harness/sandbox/processes.ts';

/** A bare session: the executor's semantics do not depend on PostgreSQL. */
async function session(): Promise<{ shell: ShellSession; marker: string }> {
  const marker = randomUUID();
  const shell = await ShellSession.open({
    file: '/bin/bash', args: ['--noprofile', '--norc'], cwd: '/tmp',
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/tmp', [MARKER_VARIABLE]: marker },
  });
  onTestFinished(() => shell.kill());
  return { shell, marker };
}

describe('a shell session', () => {
  it('carries variables, cd, functions, arrays and set -o options from step to step', async () => {
    const { shell } = await session();
    await shell.run('x=41; cd /usr; greet() { echo "hi $1"; }; declare -A map=([k]=v); set -o noglob', 5_000);
    const next = await shell.run('echo $((x + 1)) "$(pwd)" "${map[k]}"; greet there; echo /*; [[ -o noglob ]] && echo noglob', 5_000);
    expect(next).toMatchObject({ exitCode: 0, stdout: '42 /usr v\nhi there\n/*\nnoglob\n', stderr: '' });
  });

  it('captures stdout, stderr and the exit status of each step separately', async () => {
    const { shell } = await session();
    const first = await shell.run('echo out1; echo err1 >&2; (exit 3)', 5_000);
    const second = await shell.run('printf "no newline"; printf "e2" >&2', 5_000);
    expect(first).toMatchObject({ exitCode: 3, stdout: 'out1\n', stderr: 'err1\n', timedOut: false, sessionEnded: false });
    expect(second).toMatchObject({ exitCode: 0, stdout: 'no newline', stderr: 'e2' });
    expect(first.durationMs).toBeGreaterThan(0);
  });

  it('runs with pipefail, so a failing command in a pipeline fails the step', async () => {
    const { shell } = await session();
    expect((await shell.run('false | cat', 5_000)).exitCode).toBe(1);
    expect((await shell.run('set -o | grep pipefail', 5_000)).stdout).toMatch(/pipefail\s+on/);
  });

  it('records the first command that failed where set -e would stop, also when the step ends with status 0', async () => {
    const { shell } = await session();
    await shell.run('check() { false; echo "carried on"; }', 5_000);
    expect((await shell.run('echo a\nrb-no-such-command --nope 2>/dev/null\necho b', 5_000)).firstFailure).toEqual({ status: 127, command: 'rb-no-such-command --nope 2> /dev/null' });
    expect((await shell.run('check', 5_000)).firstFailure).toEqual({ status: 1, command: 'false' });
    expect((await shell.run('x=$(exit 4); true', 5_000)).firstFailure).toEqual({ status: 4, command: 'x=$(exit 4)' });
    // Where set -e does not stop, neither does the record: conditions, && lists, negation, || fallbacks.
    const quiet = await shell.run('if false; then :; fi; false && echo no; ! true; grep -q x /dev/null || true; while false; do :; done', 5_000);
    expect(quiet).toMatchObject({ exitCode: 0 });
    expect(quiet.firstFailure).toBeUndefined();
    // A record, not an exit: the session goes on, and each step starts with a clean record.
    expect(await shell.run('echo next', 5_000)).toMatchObject({ exitCode: 0, stdout: 'next\n' });
    expect((await shell.run('echo next', 5_000)).firstFailure).toBeUndefined();
  });

  it('gives steps /dev/null as stdin, so a command waiting for input cannot eat the next step', async () => {
    const { shell } = await session();
    const read = await shell.run('cat; echo "read done"', 5_000);
    const next = await shell.run('echo next', 5_000);
    expect(read).toMatchObject({ exitCode: 0, stdout: 'read done\n' });
    expect(next.stdout).toBe('next\n');
  });

  it('passes any text through intact: quotes, here-documents, non-ASCII, markers-lookalikes', async () => {
    const { shell } = await session();
    const script = "cat <<'EOF'\n'single' \"double\" $HOME `tick` Zoë 東京 🐘\n__RB_deadbeef_1:0\nEOF";
    const result = await shell.run(script, 5_000);
    expect(result.stdout).toBe("'single' \"double\" $HOME `tick` Zoë 東京 🐘\n__RB_deadbeef_1:0\n");
  });

  it('reports a syntax error as a failed step and keeps the session alive', async () => {
    const { shell } = await session();
    const broken = await shell.run('if then fi', 5_000);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain('syntax error');
    expect((await shell.run('echo alive', 5_000)).stdout).toBe('alive\n');
  });

  it('notices when a step ends the session', async () => {
    const { shell } = await session();
    const ended = await shell.run('echo bye; exit 7', 5_000);
    expect(ended).toMatchObject({ sessionEnded: true, exitCode: 7, stdout: 'bye\n' });
    expect(shell.alive).toBe(false);
    expect((await shell.run('echo never', 5_000)).sessionEnded).toBe(true);
  });

  it('kills a step that exceeds its timeout, with every process it started', async () => {
    const { shell, marker } = await session();
    const result = await shell.run('sleep 300 & (sleep 301 &) ; echo started; sleep 302', 700);
    expect(result).toMatchObject({ timedOut: true, stdout: 'started\n' });
    expect(result.durationMs).toBeGreaterThanOrEqual(700);
    // The detached `sleep 301` left the process group; the sandbox's marker sweep finds it.
    const { killSandboxProcesses } = await import('../../src/harness/sandbox/processes.ts');
    await killSandboxProcesses(marker);
    expect(processesOf(marker)).toEqual([]);
  });

  it('keeps the head and tail of a huge output and says what it dropped', async () => {
    const { shell } = await session();
    const result = await shell.run('seq 1 400000; echo last', 20_000);
    expect(result.truncated).toBe(true);
    expect(result.stdout.startsWith('1\n2\n3\n')).toBe(true);
    expect(result.stdout.endsWith('400000\nlast\n')).toBe(true);
    expect(result.stdout).toMatch(/\[… \d+ bytes of output not kept …\]/);
    expect((await shell.run('echo small', 5_000)).stdout).toBe('small\n');
  });
});
