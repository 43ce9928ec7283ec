/**
 * A step's proof as HTML (hast): the status mark above the block and the
 * captured output below it. Pure: proof in, elements out. The remark plugin
 * places them around each block; hast keeps every captured byte as text, so
 * nothing from the report is ever interpreted as HTML.
 */
import type { Element, ElementContent, Properties } from 'hast';
import type { PageProof, StepProof, StepRun } from './page-proof.ts';
import { formatDuration, plural } from './format.ts';
import { trimOutput } from './trim-output.ts';
import { serverLogHeading } from '../../harness/report/console.ts';

type Child = ElementContent | string;

export function el(tagName: string, properties: Properties, children: Child[] = []): Element {
  return {
    type: 'element', tagName, properties,
    children: children.map((c) => (typeof c === 'string' ? { type: 'text', value: c } : c)),
  };
}

const ICON: Record<StepRun['status'] | StepProof['status'], string> = {
  passed: '✓', failed: '✗', 'timed-out': '✗', 'not-run': '–', partial: '◐',
};

const LABEL: Record<StepProof['status'], string> = {
  passed: 'Ran and passed',
  failed: 'Failed',
  'not-run': 'Not run: the run stopped before this step',
  partial: 'Ran on some versions',
};

/**
 * A run that passed with a non-zero exit: the step is written to fail
 * (`exit=1`, `nonzero`) and the harness passed it because it did. The report
 * is the evidence, so no attribute is needed to tell it: a passed run's exit
 * status is by definition one the page expected.
 */
function failedAsExpected(run: StepRun): boolean {
  return run.status === 'passed' && run.exitCode !== null && run.exitCode !== 0;
}

/** `PG 13 · 74 ms`, one per version, with the details in the tooltip. */
function versionChip(run: StepRun): Element {
  const detail = run.status === 'not-run'
    ? `PostgreSQL ${run.major}: not run (the run stopped before this step)`
    : failedAsExpected(run)
      ? `PostgreSQL ${run.major}: failed as the page expects (exit status ${run.exitCode}), so the step passed, ${formatDuration(run.durationMs)}`
      : `PostgreSQL ${run.major}: ${run.status}, exit status ${run.exitCode ?? 'none'}, ${formatDuration(run.durationMs)}`;
  return el('span', { className: ['rb-run'], dataRbMajor: String(run.major), dataRbStatus: run.status, title: detail }, [
    el('span', { className: ['rb-run__icon'], ariaHidden: 'true' }, [ICON[run.status]]),
    ` PG ${run.major}`,
    ...(run.status === 'not-run' ? [] : [el('span', { className: ['rb-run__time'] }, [` · ${formatDuration(run.durationMs)}`])]),
  ]);
}

/**
 * What the status says. A step that passed by failing says so: "Ran and
 * passed" over a command that exits 1 reads as if the command worked.
 */
export function statusLabel(step: StepProof): { text: string; expectedFailure: boolean } {
  const ran = step.runs.filter((r) => r.status !== 'not-run');
  if (step.status === 'passed' && ran.length > 0 && ran.every(failedAsExpected)) {
    const codes = [...new Set(ran.map((r) => r.exitCode))].join(' or ');
    return { text: `Failed as expected (exit ${codes})`, expectedFailure: true };
  }
  if (step.status === 'passed' && ran.some(failedAsExpected)) {
    const codes = [...new Set(ran.map((r) => r.exitCode))].sort().join(' or ');
    return { text: `Ran and passed (exit ${codes}, each allowed by the page)`, expectedFailure: false };
  }
  return { text: LABEL[step.status], expectedFailure: false };
}

/** The line above a step: overall status, then each version's status and time. */
export function stepMark(step: StepProof): Element {
  const label = statusLabel(step);
  const children: Child[] = [
    el('span', { className: ['rb-mark__status'], ...(label.expectedFailure ? { dataRbOutcome: 'expected-failure' } : {}) }, [
      el('span', { className: ['rb-mark__icon'], ariaHidden: 'true' }, [ICON[step.status]]),
      ` ${label.text}`,
    ]),
    el('span', { className: ['rb-mark__runs'] }, step.runs.map(versionChip)),
  ];
  if (step.language === 'sql' && step.executed) {
    // The reader copies the SQL; say exactly how the harness fed it to psql.
    const invocation = step.executed.split('\n')[0]!.replace(/\s*<<'?\w+'?$/, '');
    children.push(el('span', { className: ['rb-mark__via'] }, ['SQL piped to ', el('code', {}, [invocation])]));
  }
  return el('p', { className: ['rb-mark', 'not-content'], dataRbStatus: step.status, dataPagefindIgnore: '' }, children);
}

/**
 * The mark for a step that may not be shown as verified: its page's proof does
 * not hold (drafts only), or, on a proven page, this block's text could not be
 * matched to a step of the report.
 */
export function unverifiedMark(proof: PageProof, pageUnproven: boolean): Element {
  const reason = !pageUnproven ? 'this block could not be matched to a step of the report'
    : proof.problem?.message ?? 'no verification report covers this page';
  return el('p', { className: ['rb-mark', 'not-content'], dataRbStatus: 'unverified', dataPagefindIgnore: '' }, [
    el('span', { className: ['rb-mark__status'] }, [
      el('span', { className: ['rb-mark__icon'], ariaHidden: 'true' }, ['⚠']),
      ' Not verified: ', reason,
    ]),
  ]);
}

function stream(name: 'stdout' | 'stderr', text: string): Element | undefined {
  if (text === '') return undefined;
  const trimmed = trimOutput(text);
  const children: Element[] = [
    el('p', { className: ['rb-stream__label'] }, [name]),
    // A <samp> (sample output) styled `white-space: pre`, not a <pre>: HTML
    // parsers drop a newline right after `<pre>` (the Markdown pipeline's
    // rehype-raw even drops the first newline of the next text inside it), so
    // output starting with a blank line would lose it. Not <code> either:
    // Expressive Code would take `pre > code` for a code block.
    el('samp', { className: ['rb-stream__text'], tabIndex: 0 }, [trimmed.text]),
  ];
  if (trimmed.trimmedLines > 0) {
    children.push(el('p', { className: ['rb-stream__note'] }, [
      `Showing ${trimmed.shownLines} of ${plural(trimmed.totalLines, 'line')}: the first and last lines and every line with ERROR, FATAL, PANIC or WARNING; ${plural(trimmed.trimmedLines, 'line')} trimmed.`,
    ]));
  }
  return el('div', { className: ['rb-stream'], dataRbStream: name }, children);
}

/** The collapsible panel below a step with what it printed (one version: see StepProof.shown). */
export function outputPanel(step: StepProof): Element | undefined {
  return step.shown ? runPanel(step.shown) : undefined;
}

/** One version's output: a collapsible panel, or one line when there is nothing to unfold. */
export function runPanel(run: StepRun): Element {
  const lines = (t: string) => (t === '' ? 0 : t.replace(/\n$/, '').split('\n').length);
  const count = lines(run.stdout) + lines(run.stderr);
  const facts = [`exit status ${run.exitCode ?? 'none'}`, formatDuration(run.durationMs)];
  const failed = run.failures.length > 0 || run.status === 'failed' || run.status === 'timed-out';
  const properties = { className: ['rb-output', 'not-content'], dataRbMajor: String(run.major), dataPagefindIgnore: '' };
  if (count === 0 && !failed && !run.truncated) {
    // Nothing to unfold: say so on one line instead of offering an empty panel.
    return el('p', { ...properties, className: [...properties.className, 'rb-output--empty'] },
      [`No output on PostgreSQL ${run.major} · ${facts.join(' · ')}`]);
  }
  const body: Element[] = [];
  for (const part of [stream('stdout', run.stdout), stream('stderr', run.stderr)]) if (part) body.push(part);
  if (body.length === 0) body.push(el('p', { className: ['rb-output__empty'] }, ['The step printed nothing.']));
  if (run.truncated) {
    body.push(el('p', { className: ['rb-stream__note'] }, ['The harness kept only the start and end of this output (capture limit).']));
  }
  if (run.failures.length > 0) {
    body.push(el('ul', { className: ['rb-failures'] }, run.failures.map((f) => el('li', {}, [`Expected ${f.expected}; got ${f.actual}.`]))));
  }
  for (const log of run.serverLogs ?? []) {
    // "Examine the log output" alone does not say why the server did not start; the log's tail does.
    body.push(el('div', { className: ['rb-stream', 'rb-server-log'], dataRbStream: 'server-log' }, [
      el('p', { className: ['rb-stream__label'] }, [serverLogHeading(log)]),
      el('samp', { className: ['rb-stream__text'], tabIndex: 0 }, [log.tail]),
    ]));
  }
  const summary = [`Output on PostgreSQL ${run.major}`, ...facts, count === 0 ? 'no output' : plural(count, 'line')].join(' · ');
  // A failed step opens on its own: the reader came to see why.
  return el('details', { ...properties, ...(failed ? { open: true } : {}) }, [el('summary', {}, [summary]), ...body]);
}

const sameOutput = (a: StepRun, b: StepRun) => a.stdout === b.stdout && a.stderr === b.stderr && a.exitCode === b.exitCode;

/**
 * The output below a step, with a version switcher when more than one
 * PostgreSQL version ran it (as the PostgreSQL manual switches versions).
 *
 * The version shown first is StepProof.shown (the newest failed, else the
 * newest that ran), rendered as the live panel. Every version's panel is
 * also kept in a <template>: inert, not searched, not printed, and invisible
 * to `querySelector`, so the page's DOM says one thing at a time; the
 * switcher's script (src/site/reader.ts) swaps a template's copy in. Without
 * scripts the switcher stays hidden and the default version is what shows.
 */
export function outputView(step: StepProof): Element | undefined {
  const shown = step.shown;
  if (!shown) return undefined;
  const ran = step.runs.filter((r) => r.status !== 'not-run');
  if (ran.length < 2) return runPanel(shown);
  const same = ran.every((r) => sameOutput(r, ran[0]!));
  const buttons = ran.map((r) => el('button', {
    type: 'button', className: ['rb-versions__button'], dataRbMajor: String(r.major),
    ariaPressed: r === shown ? 'true' : 'false', title: `Show what PostgreSQL ${r.major} printed`,
  }, [`PG ${r.major}`]));
  // hast keeps a template's parsed content in `content` (hast-util-to-html
  // prints that), but the Markdown pipeline's rehype-raw re-parses the tree
  // from `children` and drops `content`: give both, each its own copy.
  const templates = ran.map((r) => ({
    type: 'element', tagName: 'template', properties: { dataRbMajor: String(r.major) }, children: [runPanel(r)],
    content: { type: 'root', children: [runPanel(r)] },
  }) as Element);
  return el('div', { className: ['rb-outputs', 'not-content'], dataRbShown: String(shown.major), dataPagefindIgnore: '' }, [
    el('div', { className: ['rb-versions'], role: 'group', ariaLabel: 'Output of PostgreSQL version', hidden: true }, [
      el('span', { className: ['rb-versions__label'] }, ['Output of']),
      ...buttons,
      ...(same ? [el('span', { className: ['rb-versions__same'] }, ['same on every version'])] : []),
    ]),
    runPanel(shown),
    ...templates,
  ]);
}
