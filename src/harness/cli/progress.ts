import type { RunEvent } from '../run.ts';
import { failureDetail, runbookError, runbookHeader, stepLine } from '../report/console.ts';
import { formatDuration } from '../text/index.ts';
import { runKey } from '../plan/run-key.ts';
import { progressText, type ProgressEstimator } from '../report/progress.ts';

/** The lines of one run's block, as they become known. */
function runPrinter(write: (text: string) => void, showVersion: boolean): (event: RunEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'runbook-start':
        write(`${runbookHeader(event.runbook.file, event.runbook.title, event.runbook.steps.length, showVersion ? event.major : undefined)}\n`);
        break;
      case 'sandbox-ready':
        write(`  sandbox: ${event.sandbox.server.version.split(' on ')[0]}, ready in ${formatDuration(event.ms)}\n`);
        for (const [name, server] of Object.entries(event.sandbox.extraServers)) write(`  server \`${name}\`: ${server.version.split(' on ')[0]}\n`);
        break;
      case 'step-end':
        write(`${stepLine(event.result)}\n`);
        break;
      case 'runbook-end': {
        const { result } = event;
        if (result.status === 'error' || result.status === 'skipped') write(`${runbookError(result)}\n`);
        for (const step of result.steps) if (step.status === 'failed' || step.status === 'timed-out') write(`\n${failureDetail(step)}\n`);
        const notRun = result.steps.filter((s) => s.status === 'not-run').length;
        const verdict = result.status === 'passed' ? '✓ passed' : result.status === 'skipped' ? '- skipped' : `✗ ${result.status}${notRun ? ` (${notRun} step(s) not run)` : ''}`;
        write(`  ${verdict} in ${formatDuration(result.durationMs)}\n\n`);
        break;
      }
      case 'step-start':
        break;
    }
  };
}

/**
 * Live progress. One run at a time: lines appear as steps finish, and on a
 * terminal the running step shows as `⋯ id` until its result replaces it.
 * Several runs at once (--jobs): each run's block is printed whole when it
 * ends, so lines never interleave; a terminal shows what is running meanwhile.
 * With an estimator, a terminal's status line starts with the count of runs
 * and the time left (`[12/171 runs · ~4m10s left]`); none of it reaches a log.
 */
export function progressPrinter(write: (text: string) => void, isTTY: boolean, showVersion = false, parallel = false,
  estimator?: ProgressEstimator, now: () => number = () => performance.now()): (event: RunEvent) => void {
  let status = '';
  const clear = (): void => {
    if (status) write('\r\x1b[K');
    status = '';
  };
  const show = (text: string): void => {
    if (!isTTY) return;
    clear();
    status = estimator ? `  [${progressText(estimator.estimate(now()))}]${text.replace(/^ {2}/, ' ')}` : text;
    write(status);
  };
  const count = (event: RunEvent): void => {
    if (!estimator) return;
    if (event.type === 'runbook-start') estimator.start(runKey(event.runbook.file, event.major), now());
    if (event.type === 'runbook-end') estimator.end(runKey(event.result.runbook.file, event.major), event.result.durationMs);
  };
  if (!parallel) {
    const print = runPrinter((text) => { clear(); write(text); }, showVersion);
    return (event) => {
      count(event);
      print(event);
      if (event.type === 'step-start') show(`  ⋯ ${event.planned.step.id}`);
      // While a run's sandbox starts and between its steps, the count alone; never after a run's end,
      // since what follows the last one (the matrix) is written without clearing the status line.
      else if (estimator && event.type !== 'runbook-end') show('');
    };
  }
  const blocks = new Map<string, { text: string; print: (event: RunEvent) => void; current: string }>();
  const keyOf = (event: RunEvent): string => runKey(event.type === 'runbook-end' ? event.result.runbook.file : event.runbook.file, event.major);
  const running = (): string => `  ⋯ running: ${[...blocks.entries()].map(([key, b]) => `${key.replace(/^content\//, '')}${b.current ? ` › ${b.current}` : ''}`).join(' | ')}`;
  return (event) => {
    count(event);
    const key = keyOf(event);
    let block = blocks.get(key);
    if (!block) {
      const created = { text: '', current: '', print: (_: RunEvent) => {} };
      created.print = runPrinter((text) => { created.text += text; }, showVersion);
      blocks.set(key, created);
      block = created;
    }
    block.print(event);
    if (event.type === 'step-start') block.current = event.planned.step.id;
    if (event.type === 'runbook-end') {
      blocks.delete(key);
      clear();
      write(block.text);
    }
    if (blocks.size > 0) show(running());
  };
}
