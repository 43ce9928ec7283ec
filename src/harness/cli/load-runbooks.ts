import { formatDiagnostic } from '../errors.ts';
import type { Runbook } from '../model.ts';
import { loadAll } from '../files/collect.ts';
import type { Io } from './io.ts';

/** Parses runbooks for a command; prints every diagnostic and returns undefined when any is an error. */
export function loadRunbooks(paths: string[], io: Io): Runbook[] | undefined {
  const { results, diagnostics } = loadAll(paths.length ? paths : ['content'], io.cwd);
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (diagnostics.some((d) => d.severity === 'error')) {
    io.stderr(`\n${diagnostics.length} problem(s) in the runbooks; nothing was run.\n`);
    return undefined;
  }
  return results.map((r) => r.runbook!);
}
