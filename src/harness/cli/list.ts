import type { Io } from './io.ts';
import { loadRunbooks } from './load-runbooks.ts';

/** Prints the runbooks and their steps without running anything. */
export function listCommand(paths: string[], io: Io): number {
  const runbooks = loadRunbooks(paths, io);
  if (!runbooks) return 2;
  for (const runbook of runbooks) {
    io.stdout(`${runbook.file} — ${runbook.title}: ${runbook.steps.length} step(s), ${runbook.unverified.length} unverified block(s)\n`);
    for (const step of runbook.steps) {
      const flags = [step.language, step.hidden ? 'hidden' : '', step.exit.kind === 'codes' && step.exit.codes.join(',') === '0' ? '' : `exit=${step.exit.kind === 'codes' ? step.exit.codes.join(',') : step.exit.kind}`]
        .filter(Boolean).join(' ');
      io.stdout(`  ${String(step.index).padStart(2)}. ${step.id.padEnd(28)} line ${String(step.position.line).padEnd(5)} ${flags}\n`);
    }
    for (const block of runbook.unverified) io.stdout(`   -  not verified, line ${block.position.line}: ${block.reason}\n`);
  }
  return 0;
}
