import type { Io } from './io.ts';
import { machineChecks } from '../machine.ts';

/** `runbooks doctor`: what this machine has, what it lacks, and the command that installs each missing piece here. Exit 1 if `verify` cannot run. */
export async function doctorCommand(io: Io): Promise<number> {
  const { platform, checks } = await machineChecks(io.env);
  io.stdout(`machine: ${platform.name}${platform.root ? ', as root' : ', not root'}\n`);
  for (const check of checks) {
    io.stdout(`${check.ok ? '✓' : check.required ? '✗' : '-'} ${check.name.padEnd(13)} ${check.detail}\n`);
    if (!check.ok && check.fix) io.stdout(`  ${''.padEnd(13)} fix: ${check.fix}\n`);
  }
  const blocking = checks.filter((c) => c.required && !c.ok);
  io.stdout(blocking.length ? `\n${blocking.length} problem(s) stop \`runbooks verify\`.\n` : '\nReady: `npm run verify` can run every runbook here.\n');
  io.stdout('Harness error codes and fixes: content/reference/harness-errors.md\n');
  return blocking.length ? 1 : 0;
}
