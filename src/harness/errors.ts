import type { Diagnostic, Position } from './model.ts';

/**
 * One catalog for everything the harness can complain about. Codes are stable:
 * tests, docs and users refer to them. RB1xx are problems in a runbook's text,
 * RB2xx problems with the machine or the sandbox, RB3xx problems with how the CLI was called
 * or with the files it was given.
 */
export const catalog = {
  FrontmatterSyntax: { code: 'RB100', hint: 'Fix the YAML between the two `---` lines at the top of the file.' },
  FrontmatterShape: { code: 'RB101', hint: 'Every page needs `title: <text>`; runbook settings go under `runbook:`.' },
  FrontmatterUnknownKey: { code: 'RB102', hint: 'Known keys under `runbook:` are listed in content/reference/runbook-format.md.' },
  UnknownAttribute: { code: 'RB110', hint: 'Step attributes are listed in content/reference/runbook-format.md.' },
  BadValue: { code: 'RB111', hint: 'See content/reference/runbook-format.md for the values each attribute takes.' },
  DuplicateStepId: { code: 'RB112', hint: 'Step ids name a step in reports and on the site: give each step its own `id=`.' },
  UnterminatedFence: { code: 'RB113', hint: 'Close the code block with a line holding the same fence (for example ```).' },
  UnsupportedLanguage: { code: 'RB114', hint: 'Steps run as `bash` (also `sh`, `shell`) or `sql`; mark other blocks `skip="<reason>"` or drop `run`.' },
  UnmarkedBlock: { code: 'RB115', hint: 'Add `run` to execute it, or `skip="<why it cannot run here>"` so the page says it was not verified.' },
  ConflictingAttributes: { code: 'RB116', hint: 'A block either runs (`run`) or is shown unverified (`skip="…"`), not both.' },
  OrphanOutput: { code: 'RB117', hint: 'Put the `output` block right after the step it belongs to, or name it with `for=<step id>`.' },
  MalformedMeta: { code: 'RB118', hint: 'Quote values that contain spaces: key="value with spaces".' },
  EmptyStep: { code: 'RB119', hint: 'Write the command(s) in the block, or remove the block.' },
  InvalidRegex: { code: 'RB120', hint: 'Write a JavaScript regular expression; escape `/` and backslashes as needed.' },
  TrailingWhitespace: { code: 'RB121', hint: 'Delete the spaces or tabs at the end of the line (psql pads column headers: the harness compares without them).' },
  ScaffoldingInOperatorStep: { code: 'RB122', hint: 'Readers copy operator steps onto production systems: mark the step `role=drill` (it stages the incident) or `role=proof` (it checks the page), and keep the operator\'s own commands in a step of their own.' },
  SandboxOnlySetting: { code: 'RB123', hint: 'Use the production form in steps readers copy (no --no-sync, no trust authentication, fsync on), or say why this step needs it with `sandbox-only="<why>"`: the site then shows it as a caution and the downloadable script leaves it out.' },
  SandboxVariableInOperatorStep: { code: 'RB124', hint: 'On a reader\'s machine $SANDBOX_DIR and $SANDBOX_PASSWORD are empty, so "$SANDBOX_DIR/restored" becomes "/restored" and a new password becomes the empty string. Set a variable that names the place in a `role=drill` step (export RESTORED_PGDATA="$SANDBOX_DIR/restored": "here the new data directory is under the sandbox; on your system, the new volume") and use $RESTORED_PGDATA in the operator step (likewise export NEW_SUPERUSER_PASSWORD="$SANDBOX_PASSWORD": "in production, a new one from your password manager"), or say why the step is sandbox-only with `sandbox-only="<why>"`.' },
  UnprovenRestore: { code: 'RB125', hint: 'Compare the restored data after this step: a fingerprint (`pg-fingerprint`, `pg-fingerprint-diff`, `prove_equal`, `dir-fingerprint`), or a query whose output the page checks (an output block, `contains=`, `matches=`, or a `role=proof` step that runs psql). If the page cannot, say why under `runbook:` in the frontmatter: `unproven-restore: "<why>"`.' },
  UnknownServer: { code: 'RB126', hint: 'A step runs on the primary unless `server=NAME` names another server of the runbook; declare it in the frontmatter: `runbook: { servers: { standby: 17 } }`.' },
  UnreadableFile: { code: 'RB130', hint: 'Runbooks must be UTF-8 text Markdown files.' },
  NoPostgres: { code: 'RB200', hint: 'Install PostgreSQL server binaries (Debian: `apt-get install postgresql-15`) or pass --pg-bin DIR.' },
  SandboxStart: { code: 'RB201', hint: 'Read the server log printed above; `runbooks doctor` checks the machine.' },
  SandboxIdentity: { code: 'RB202', hint: 'The harness only runs steps against a server it created in this run; this is a bug or tampering.' },
  RunAsRoot: { code: 'RB203', hint: 'PostgreSQL refuses to run as root: the harness runs the sandbox as the `postgres` user, create it with `useradd -m postgres`.' },
  NoDocker: { code: 'RB204', hint: 'Start a Docker engine (Debian: `apt-get install docker.io`, then `dockerd`), or use `--sandbox local`.' },
  NoImage: { code: 'RB205', hint: 'Build the images with `bash scripts/images/build.sh` (as root), or `docker pull postgres:N` where a registry is reachable.' },
  Unavailable: { code: 'RB206', hint: 'The runbook needs something this sandbox cannot provide (another PostgreSQL version, a small filesystem without root); use `--sandbox docker`.' },
  SandboxCleanup: { code: 'RB207', hint: 'A process a step started outlived the sandbox (stuck in the kernel, or escaped its process group): find it with `ps -ef`, kill it, and report the runbook.' },
  Interrupted: { code: 'RB210', hint: 'The run was interrupted; the sandbox was removed.' },
  Usage: { code: 'RB300', hint: 'Run `runbooks --help` for the commands and options.' },
  NoRunbooks: { code: 'RB301', hint: 'Runbooks are Markdown files under content/ with `run` code blocks.' },
  ReportVersion: { code: 'RB302', hint: 'The report was written by another version of the harness: run `npm run verify` again.' },
} as const;

export type CatalogName = keyof typeof catalog;

export function diagnostic(name: CatalogName, message: string, position: Position, hint?: string): Diagnostic {
  const entry = catalog[name];
  return { code: entry.code, severity: 'error', message, hint: hint ?? entry.hint, position };
}

/** An error the harness raises about the machine, the sandbox or the command line. */
export class HarnessError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly position: Position | undefined;

  constructor(name: CatalogName, message: string, options: { cause?: unknown; hint?: string; position?: Position } = {}) {
    super(message, { cause: options.cause });
    this.name = 'HarnessError';
    this.code = catalog[name].code;
    this.hint = options.hint ?? catalog[name].hint;
    this.position = options.position;
  }
}

export function formatPosition(p: Position): string {
  return `${p.file}:${p.line}:${p.column}`;
}

/** `file:line:col: message [CODE]` then the hint, as remark-lint and tsc print them. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${formatPosition(d.position)}: ${d.message} [${d.code}]\n  hint: ${d.hint}`;
}

/** The closest candidate within a few edits: `exit` for `exitt`, `run` for `rnu`. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** Optimal string alignment distance: a swap of two neighbours (`rnu` → `run`) costs 1. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
