/**
 * A failed server start on the site: the panel under the step shows the tail
 * of the server log the harness read, not only pg_ctl's "Examine the log output".
 */
import { toHtml } from 'hast-util-to-html';
import { describe, expect, it } from 'vitest';
import { runPanel } from '../../src/site/proof/step-view.ts';
import type { StepRun } from '../../src/site/proof/page-proof.ts';

const run: StepRun = {
  major: 17, status: 'failed', exitCode: 1, durationMs: 900, truncated: false, failures: [],
  stdout: 'waiting for server to start.... stopped waiting\n', stderr: 'pg_ctl: could not start server\nExamine the log output.\n',
  serverLogs: [{ path: '$SANDBOX_DIR/restored.log', tail: 'LOG:  invalid value for parameter "shared_buffers": "nonsense"\nFATAL:  configuration file "$SANDBOX_DIR/restored/postgresql.auto.conf" contains errors' }],
};

describe('the output panel of a step whose server did not start', () => {
  it('shows each server log tail the report carries, labelled with its path, opened', () => {
    const html = toHtml(runPanel(run));
    expect(html).toMatch(/^<details[^>]* open/);
    expect(html).toContain('server log $SANDBOX_DIR/restored.log, last 2 lines');
    expect(html).toContain('FATAL:  configuration file "$SANDBOX_DIR/restored/postgresql.auto.conf" contains errors');
  });

  it('shows none when the report has none', () => {
    expect(toHtml(runPanel({ ...run, serverLogs: [] }))).not.toContain('server log');
  });
});
