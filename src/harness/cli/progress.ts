import type { RunEvent } from '../run.ts';
import { failureDetail, runbookError, runbookHeader, stepLine } from '../report/console.ts';
import { formatDuration } from '../report/durations.ts';

/**
 * Live progress. On a terminal the running step shows as `⋯ id` and is
 * replaced by its result; in a log every line is final.
 */
export function progressPrinter(write: (text: string) => void, isTTY: boolean, showVersion = false): (event: RunEvent) => void {
  let pending = false;
  const clear = (): void => {
    if (pending) write('\r\x1b[K');
    pending = false;
  };
  return (event) => {
    switch (event.type) {
      case 'runbook-start':
        write(`${runbookHeader(event.runbook.file, event.runbook.title, event.runbook.steps.length, showVersion ? event.major : undefined)}\n`);
        break;
      case 'sandbox-ready':
        write(`  sandbox: ${event.sandbox.server.version.split(' on ')[0]}, ready in ${formatDuration(event.ms)}\n`);
        for (const [name, server] of Object.entries(event.sandbox.extraServers)) write(`  server \`${name}\`: ${server.version.split(' on ')[0]}\n`);
        break;
      case 'step-start':
        if (isTTY) {
          write(`  ⋯ ${event.planned.step.id}`);
          pending = true;
        }
        break;
      case 'step-end':
        clear();
        write(`${stepLine(event.result)}\n`);
        break;
      case 'runbook-end': {
        clear();
        const { result } = event;
        if (result.status === 'error') write(`${runbookError(result)}\n`);
        for (const step of result.steps) if (step.status === 'failed' || step.status === 'timed-out') write(`\n${failureDetail(step)}\n`);
        const notRun = result.steps.filter((s) => s.status === 'not-run').length;
        const verdict = result.status === 'passed' ? '✓ passed' : result.status === 'skipped' ? '- skipped' : `✗ ${result.status}${notRun ? ` (${notRun} step(s) not run)` : ''}`;
        write(`  ${verdict} in ${formatDuration(result.durationMs)}\n\n`);
        break;
      }
    }
  };
}
