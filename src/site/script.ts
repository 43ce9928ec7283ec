/**
 * "Download this runbook as a script": a page's visible steps as one bash
 * file for an operator. Pure: the page's proof in, the script's text out.
 *
 * Operator steps only: drill steps (faults, sample data) and proof steps
 * (fingerprints) exist to stage and check the page in a sandbox, and on a real
 * host they would either harm it or fail with "command not found". Steps that
 * fail on purpose and sandbox-only steps are left out too, each named where it
 * was. Steps appear in page order, byte for byte as on the page; SQL steps are
 * sent to psql exactly as the harness sent them; blocks that were never run
 * are included commented out, with the reason. `set -Eeuo pipefail`: the
 * script stops at the first failing command, not at the end of a step.
 */
import type { PageBlock } from './page-blocks.ts';
import type { PageProof } from './proof/page-proof.ts';
import { formatDate, listVersions, runDates } from './proof/format.ts';
import { shellQuote } from '../harness/text/index.ts';
import { leftOut, operatorSteps, stepId, stepScript, type OperatorStep } from './operator-steps.ts';

export { stepScript } from './operator-steps.ts';

export interface ScriptContext {
  title: string;
  /** The page's address on the site. */
  url: string;
  commit: string;
  draft: boolean;
}

function comment(text: string): string {
  return text.split('\n').map((line) => (line === '' ? '#' : `# ${line}`)).join('\n');
}

function verification(proof: PageProof, context: ScriptContext): string[] {
  if (proof.status === 'verified') {
    const passed = proof.runs.filter((r) => r.status === 'passed').map((r) => r.major);
    return [
      `Verified: every step ran and passed on PostgreSQL ${listVersions(passed)}`,
      `(run ${runDates(proof.runs, formatDate).date ?? ''}, ${proof.sandbox ?? 'unknown'} sandbox).`,
    ];
  }
  const why = proof.problem?.message ?? 'no verification report covers this page';
  return [`NOT VERIFIED${context.draft ? ' (draft build)' : ''}: ${why}.`];
}

/** Set by the shell itself, or always present in a login session: never asked of the reader. */
const SHELL_VARIABLES = new Set(['HOME', 'PATH', 'PWD', 'OLDPWD', 'USER', 'RANDOM', 'LINENO', 'SECONDS', 'BASHPID', 'UID', 'EUID',
  'HOSTNAME', 'IFS', 'PPID', 'BASH_SOURCE', 'FUNCNAME', 'PIPESTATUS', 'REPLY', 'OPTARG', 'OPTIND', 'BASH_REMATCH',
  'EPOCHREALTIME', 'EPOCHSECONDS', 'MAPFILE', 'TMPDIR']);

/**
 * The parts of a shell text where `$NAME` expands: without single-quoted
 * strings (outside double quotes), comments, and the bodies of here-documents
 * whose delimiter is quoted (`<<'SQL'`: SQL's own `$1` is not the shell's).
 * Blanked rather than cut, so nothing joins across a removed part.
 */
export function expandingText(text: string): string {
  let out = '';
  let inDouble = false;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    let quotedDoc: string | undefined;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === '\\') { out += line.slice(i, i + 2); i++; continue; }
      if (inDouble) { if (ch === '"') inDouble = false; out += ch; continue; }
      if (ch === '"') { inDouble = true; out += ch; continue; }
      if (ch === "'") {
        const end = line.indexOf("'", i + 1);
        const stop = end < 0 ? line.length : end;
        out += ' '.repeat(stop - i + 1).slice(0, line.length - i);
        i = stop;
        continue;
      }
      if (ch === '#' && (i === 0 || /[\s;&|(]/.test(line[i - 1]!))) break;
      const doc = /^<<-?\s*(['"])(\w+)\1/.exec(line.slice(i));
      if (doc) quotedDoc = doc[2];
      out += ch;
    }
    out += '\n';
    if (quotedDoc !== undefined) {
      while (n + 1 < lines.length && lines[n + 1]!.replace(/^\t+/, '') !== quotedDoc) { n++; out += '\n'; }
    }
  }
  return out;
}

/**
 * Variables the operator steps read but never set: the reader must set them
 * (under `set -u` the script would otherwise stop at the first use). A
 * reference with a default (`${X:-…}`) is optional.
 */
export function requiredVariables(steps: string[]): string[] {
  const text = steps.join('\n');
  const assigned = new Set<string>();
  for (const m of text.matchAll(/(?:^|[\s;&|(])(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_]\w*)\+?=/gm)) assigned.add(m[1]!);
  for (const m of text.matchAll(/\bfor\s+([A-Za-z_]\w*)/g)) assigned.add(m[1]!);
  // `read -r a b c` sets every name; `mapfile -t lines`, `printf -v name` set one.
  for (const m of text.matchAll(/\bread\b([^;&|<>\n)]*)/g)) {
    for (const word of m[1]!.trim().split(/\s+/)) if (/^[A-Za-z_]\w*$/.test(word)) assigned.add(word);
  }
  for (const m of text.matchAll(/\b(?:mapfile|readarray|printf\s+-v)(?:\s+-\w+)*\s+([A-Za-z_]\w*)/g)) assigned.add(m[1]!);
  const used = new Set<string>();
  for (const m of expandingText(text).matchAll(/(?<!\\)\$(?:\{([A-Za-z_]\w*)(:?[-=?+])?|([A-Za-z_]\w*))/g)) {
    const name = m[1] ?? m[3]!;
    if (m[2] === undefined || m[2].includes('?')) used.add(name);
  }
  return [...used].filter((name) => !assigned.has(name) && !SHELL_VARIABLES.has(name)).sort();
}

/**
 * Destructive steps ask first. The answer is read from the terminal, not from
 * stdin, so a script piped into bash still asks; with no terminal (cron, CI)
 * it stops unless RUNBOOK_YES=1 says every destructive step was approved.
 * A refusal returns 1, so errexit and the ERR trap stop the script and name
 * the step, like any failure.
 */
const CONFIRM = [
  'rb_confirm() {',
  '  [[ ${RUNBOOK_YES:-} == 1 ]] && return 0',
  `  printf '\\n%s cannot be undone: %s.\\nType yes to run it, anything else stops here: ' "$rb_step" "$1" >&2`,
  "  local answer=''",
  '  if ! read -r answer 2> /dev/null < /dev/tty; then',
  `    echo "no terminal to ask on: run it in a terminal, or set RUNBOOK_YES=1 to approve every destructive step" >&2`,
  '    return 1',
  '  fi',
  '  [[ $answer == yes ]]',
  '}',
];

/**
 * Why the page offers no script, or undefined when it does. A script runs on
 * one machine; the steps of a page that takes turns on several machines
 * (`server=` steps) would run there too, a standby's `rm -rf "$PGDATA"` on the
 * primary. Those pages are followed step by step, in the incident view.
 */
export function noScriptReason(blocks: PageBlock[]): string | undefined {
  const steps = blocks.filter((b) => b.info.kind === 'step');
  if (!steps.some((b) => !b.info.hidden)) return 'no step to run';
  const machines = new Set(steps.map((b) => b.info.server ?? 'primary'));
  return machines.size > 1 ? `its steps take turns on ${machines.size} machines: follow them in incident mode` : undefined;
}

/** The line that ends the header: everything after it is the page's steps, in page order. */
export const STEPS_MARKER = '# ════ the steps ════';

function stepPart(step: OperatorStep): string {
  const { block } = step;
  const label = `── ${step.number}. ${step.id}${step.title ? `: ${step.title}` : ''} (page line ${block.line})`;
  return [
    comment(label),
    `rb_step=${shellQuote(`${step.number}. ${step.id} (page line ${block.line})`)}`,
    ...(step.destructive !== undefined ? [`rb_confirm ${shellQuote(step.destructive)}`] : []),
    step.script,
  ].join('\n');
}

/**
 * The page as a script. Its shape is a contract the browser test relies on:
 * a header up to STEPS_MARKER, then one part per block separated by a blank
 * line, each starting with a `# ── ` label line. An operator step's part is
 * its label, `rb_step=…`, `rb_confirm …` when destructive, then the step's
 * text, so removing those lines and the left-out parts leaves exactly the
 * incident view's "copy all steps" text (operator-steps.ts copyAllText).
 */
export function runbookScript(proof: PageProof, context: ScriptContext): string {
  const steps = proof.blocks.filter((b) => b.info.kind === 'step');
  const operator = operatorSteps(proof.blocks);
  const byBlock = new Map<PageBlock, OperatorStep>(operator.map((s) => [s.block, s]));
  const count = (role: string) => steps.filter((b) => b.info.role === role).length;
  const failing = steps.filter((b) => b.info.role === 'operator' && b.info.exit !== '0').length;
  const destructive = operator.filter((s) => s.destructive !== undefined).length;
  const required = requiredVariables(operator.map((s) => s.script));
  const header = [
    '#!/usr/bin/env bash',
    comment([
      `Proven Runbooks: ${context.title}`,
      '',
      `This is the runbook page ${context.url}`,
      `(source ${proof.file}, commit ${context.commit}) as a script:`,
      `its ${operator.length} operator step(s), in page order, exactly as shown on the page and in its incident view.`,
      ...verification(proof, context),
      '',
      'SQL steps are piped to psql -X -v ON_ERROR_STOP=1, as the harness ran them.',
      `Left out: ${count('drill')} drill step(s) (how the page stages the incident: faults, sample data),`,
      `${count('proof')} proof step(s) (how the page checks itself), ${failing} step(s) that fail on purpose to show an error,`,
      'and any step marked sandbox-only; each is named where it was. Blocks that were never run appear commented out.',
      'The script stops at the first command that fails (set -Eeuo pipefail) and names the step.',
      `${destructive} step(s) cannot be undone (DROP, --clean, rm, a promotion): the script asks before each;`,
      'RUNBOOK_YES=1 approves them all for an unattended run.',
      '',
      `Before running: set ${required.length > 0 ? required.join(', ') : 'nothing beyond'} and the connection (PGHOST, PGPORT, PGUSER, PGDATABASE;`,
      'the page\'s "Your environment" panel writes the export line). Read the page first: it says',
      'what each step does, what to look for in its output, and what differs in production.',
    ].join('\n')),
    'set -Eeuo pipefail',
    // errexit stops silently; say where, so a reader knows which step to read again.
    `trap 'echo "stopped: step $rb_step failed with exit status $?" >&2' ERR`,
    'rb_step="(none yet)"',
    ...(destructive > 0 ? CONFIRM : []),
    ...required.map((name) => `: "\${${name}:?set ${name} first (see the page)}"`),
    STEPS_MARKER,
  ];
  const parts = [header.join('\n')];
  for (const block of proof.blocks) {
    if (block.info.kind === 'skip') {
      parts.push(`${comment(`── NOT VERIFIED (page line ${block.line}): ${block.info.reason ?? ''}`)}\n${comment(block.code)}`);
      continue;
    }
    if (block.info.kind !== 'step' || block.info.hidden) continue;
    const step = byBlock.get(block);
    if (step) {
      parts.push(stepPart(step));
      continue;
    }
    const why = leftOut(block) ?? 'not an operator step';
    parts.push(comment(`── ${stepId(block)} (page line ${block.line}) left out: ${why}`)
      + (block.info.sandboxOnly !== undefined && block.info.role === 'operator' ? `\n${comment(block.code)}` : ''));
  }
  return `${parts.join('\n\n')}\n`;
}

/**
 * The script's steps without what the script adds around them (header,
 * labels, `rb_step=`, `rb_confirm`, left-out and unverified parts): by the
 * contract above, the "copy all steps" text. For tests and for anyone
 * checking a downloaded script against the page.
 */
export function scriptSteps(script: string): string {
  const body = script.slice(script.indexOf(`${STEPS_MARKER}\n`) + STEPS_MARKER.length + 1).replace(/^\n+|\n$/g, '');
  const parts = body.split(/\n\n(?=# ── )/).filter((part) => /^# ── \d+\. /.test(part));
  return parts.map((part) => `${part.split('\n').filter((line, i) => !(i === 0 || /^rb_step=|^rb_confirm /.test(line))).join('\n')}\n`).join('\n');
}
