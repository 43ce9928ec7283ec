/**
 * "Download this runbook as a script": a page's visible steps as one bash
 * file for an operator. Pure: the page's proof in, the script's text out.
 *
 * Steps appear in page order, byte for byte as on the page; SQL steps are sent
 * to psql exactly as the harness sent them; hidden steps (the harness's own
 * setup and assertions) are left out; blocks that were never run are included
 * commented out, with the reason. After each step the script checks the exit
 * status the page expects (the harness checked the same), so it stops where
 * the page would have been marked failed instead of carrying on.
 */
import type { PageBlock } from './page-blocks.ts';
import type { PageProof } from './proof/page-proof.ts';
import { formatDate, listVersions, runDates } from './proof/format.ts';

export interface ScriptContext {
  title: string;
  /** The page's address on the site. */
  url: string;
  commit: string;
  draft: boolean;
}

/** A here-document delimiter that does not occur in the text (the harness's rule). */
function delimiterFor(text: string): string {
  let delimiter = 'SQL';
  for (let n = 1; text.split('\n').some((line) => line === delimiter); n++) delimiter = `SQL_${n}`;
  return delimiter;
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The text the harness sends to the shell for a step (src/harness/plan: scriptFor). */
export function stepScript(block: PageBlock): string {
  if (block.language !== 'sql') return block.code;
  const database = block.info.database !== undefined ? ` -d ${shellQuote(block.info.database)}` : '';
  const delimiter = delimiterFor(block.code);
  return `psql -X -v ON_ERROR_STOP=1${database} <<'${delimiter}'\n${block.code}\n${delimiter}`;
}

/**
 * The line after a step that checks its exit status against `exit=` (0, 3,
 * 1,2, nonzero, any), or undefined for `any`. A `case`, so the status is read
 * once and lists need no operator precedence.
 */
export function exitCheck(exit: string, what: string): string | undefined {
  if (exit === 'any') return undefined;
  const fail = (expected: string) => `echo "${what}: exit status $rb_status, expected ${expected}" >&2; exit 1`;
  if (exit === 'nonzero') return `rb_status=$?; case $rb_status in 0) ${fail('non-zero')} ;; esac`;
  const codes = exit.split(',').map((c) => c.trim()).filter((c) => /^\d+$/.test(c));
  const expected = codes.length > 0 ? codes : ['0'];
  return `rb_status=$?; case $rb_status in ${expected.join('|')}) ;; *) ${fail(expected.join(' or '))} ;; esac`;
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

export function runbookScript(proof: PageProof, context: ScriptContext): string {
  const shown = proof.blocks.filter((b) => (b.info.kind === 'step' && !b.info.hidden) || b.info.kind === 'skip');
  const hidden = proof.blocks.filter((b) => b.info.kind === 'step' && b.info.hidden).length;
  const usesBackupDir = shown.some((b) => b.info.kind === 'step' && b.code.includes('BACKUP_DIR'));
  const header = [
    '#!/usr/bin/env bash',
    comment([
      `Proven Runbooks: ${context.title}`,
      '',
      `This is the runbook page ${context.url}`,
      `(source ${proof.file}, commit ${context.commit}) as a script:`,
      'its visible steps in page order, exactly as shown on the page.',
      ...verification(proof, context),
      '',
      'SQL steps are piped to psql -X -v ON_ERROR_STOP=1, as the harness ran them.',
      `Left out: ${hidden} hidden step(s) the harness used for its own setup and checks`,
      '(the sample database, assertions); your database takes their place.',
      'Blocks that were never run appear commented out, with the reason.',
      'After each step the script checks the exit status the page expects, and stops otherwise.',
      '',
      'Before running: set PGHOST, PGPORT, PGUSER, PGDATABASE' + (usesBackupDir ? ' and BACKUP_DIR' : '') + ' (the page\'s',
      '"Your environment" panel writes the export line). Read the page first: it says',
      'what each step does and what to look for in its output.',
    ].join('\n')),
    'set -o pipefail',
    ...(usesBackupDir ? [': "${BACKUP_DIR:?set BACKUP_DIR to the backup directory first}"'] : []),
  ];
  const parts = [header.join('\n')];
  for (const block of shown) {
    if (block.info.kind === 'skip') {
      parts.push(`${comment(`NOT VERIFIED (page line ${block.line}): ${block.info.reason ?? ''}`)}\n${comment(block.code)}`);
      continue;
    }
    // Steps are named by id, as in the report (`step-N` when the page gives none).
    const id = block.info.id ?? `step-${block.stepIndex}`;
    const label = `── ${id}${block.info.title ? `: ${block.info.title}` : ''} (page line ${block.line})`;
    const check = exitCheck(block.info.exit, `step ${id}`);
    parts.push([comment(label), stepScript(block), ...(check ? [check] : [])].join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}
