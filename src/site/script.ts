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
import { psqlScript, shellQuote } from '../harness/text/index.ts';

export interface ScriptContext {
  title: string;
  /** The page's address on the site. */
  url: string;
  commit: string;
  draft: boolean;
}

/**
 * The text the harness sends to the shell for a step, by the harness's own
 * rule (src/harness/plan: scriptFor). Computed from the page, not taken from
 * the report's `executed`, so a page without a report still gets its script.
 */
export function stepScript(block: PageBlock): string {
  return block.language === 'sql' ? psqlScript(block.code, block.info.database) : block.code;
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
  'HOSTNAME', 'IFS', 'PPID', 'BASH_SOURCE', 'FUNCNAME', 'PIPESTATUS', 'REPLY', 'OPTARG', 'OPTIND', 'BASH_REMATCH']);

/**
 * Variables the operator steps read but never set: the reader must set them
 * (under `set -u` the script would otherwise stop at the first use). A
 * reference with a default (`${X:-…}`) is optional.
 */
export function requiredVariables(steps: string[]): string[] {
  const text = steps.join('\n');
  const assigned = new Set<string>();
  for (const m of text.matchAll(/(?:^|[\s;&|(])(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_]\w*)\+?=/gm)) assigned.add(m[1]!);
  for (const m of text.matchAll(/\b(?:for|read(?:\s+-\w+)*)\s+([A-Za-z_]\w*)/g)) assigned.add(m[1]!);
  const used = new Set<string>();
  for (const m of text.matchAll(/(?<!\\)\$(?:\{([A-Za-z_]\w*)(:?[-=?+])?|([A-Za-z_]\w*))/g)) {
    const name = m[1] ?? m[3]!;
    if (m[2] === undefined || m[2].includes('?')) used.add(name);
  }
  return [...used].filter((name) => !assigned.has(name) && !SHELL_VARIABLES.has(name)).sort();
}

/** Why a step of the page is not in the script, or undefined when it is. */
function leftOut(block: PageBlock): string | undefined {
  if (block.info.role === 'drill') return 'a drill step: it stages the incident in the sandbox (faults, sample data); not for your system';
  if (block.info.role === 'proof') return 'a proof step: how the page checks itself (fingerprints, answer keys)';
  if (block.info.exit !== '0') return `it fails on purpose (exit ${block.info.exit}) to show an error`;
  if (block.info.sandboxOnly !== undefined) return `SANDBOX ONLY, not for production: ${block.info.sandboxOnly}`;
  return undefined;
}

export function runbookScript(proof: PageProof, context: ScriptContext): string {
  const steps = proof.blocks.filter((b) => b.info.kind === 'step');
  const included = steps.filter((b) => leftOut(b) === undefined);
  const count = (role: string) => steps.filter((b) => b.info.role === role).length;
  const failing = steps.filter((b) => b.info.role === 'operator' && b.info.exit !== '0').length;
  const required = requiredVariables(included.map(stepScript));
  const header = [
    '#!/usr/bin/env bash',
    comment([
      `Proven Runbooks: ${context.title}`,
      '',
      `This is the runbook page ${context.url}`,
      `(source ${proof.file}, commit ${context.commit}) as a script:`,
      `its ${included.length} operator step(s), in page order, exactly as shown on the page.`,
      ...verification(proof, context),
      '',
      'SQL steps are piped to psql -X -v ON_ERROR_STOP=1, as the harness ran them.',
      `Left out: ${count('drill')} drill step(s) (how the page stages the incident: faults, sample data),`,
      `${count('proof')} proof step(s) (how the page checks itself), ${failing} step(s) that fail on purpose to show an error,`,
      'and any step marked sandbox-only; each is named where it was. Blocks that were never run appear commented out.',
      'The script stops at the first command that fails (set -Eeuo pipefail) and names the step.',
      '',
      `Before running: set ${required.length > 0 ? required.join(', ') : 'nothing beyond'} and the connection (PGHOST, PGPORT, PGUSER, PGDATABASE;`,
      'the page\'s "Your environment" panel writes the export line). Read the page first: it says',
      'what each step does, what to look for in its output, and what differs in production.',
    ].join('\n')),
    'set -Eeuo pipefail',
    // errexit stops silently; say where, so a reader knows which step to read again.
    `trap 'echo "stopped: step $rb_step failed with exit status $?" >&2' ERR`,
    'rb_step="(none yet)"',
    ...required.map((name) => `: "\${${name}:?set ${name} first (see the page)}"`),
  ];
  const parts = [header.join('\n')];
  for (const block of proof.blocks) {
    if (block.info.kind === 'skip') {
      parts.push(`${comment(`NOT VERIFIED (page line ${block.line}): ${block.info.reason ?? ''}`)}\n${comment(block.code)}`);
      continue;
    }
    if (block.info.kind !== 'step' || block.info.hidden) continue;
    // Steps are named by id, as in the report (`step-N` when the page gives none).
    const id = block.info.id ?? `step-${block.stepIndex}`;
    const why = leftOut(block);
    if (why !== undefined) {
      parts.push(comment(`── ${id} (page line ${block.line}) left out: ${why}`)
        + (block.info.sandboxOnly !== undefined && block.info.role === 'operator' ? `\n${comment(block.code)}` : ''));
      continue;
    }
    const label = `── ${id}${block.info.title ? `: ${block.info.title}` : ''} (page line ${block.line})`;
    parts.push([comment(label), `rb_step=${shellQuote(`${id} (page line ${block.line})`)}`, stepScript(block)].join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}
