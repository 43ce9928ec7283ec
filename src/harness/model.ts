/**
 * The harness's vocabulary. Types only: every other module may import this one,
 * and this one imports nothing.
 */

/** A place in a runbook's Markdown source. Lines and columns are 1-based. */
export interface Position {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** How a step's text reaches the sandbox: as shell input, or as SQL on psql's stdin. */
export type StepLanguage = 'bash' | 'sql';

export type Stream = 'stdout' | 'stderr' | 'combined';

/**
 * How captured output is compared with the expected text.
 * `lines`: every expected line appears in the output, in order, other lines may come between.
 */
export type MatchMode = 'exact' | 'contains' | 'regex' | 'lines';

export interface OutputExpectation {
  stream: Stream;
  mode: MatchMode;
  text: string;
  /** true for `not-contains=`: the text must NOT appear. */
  negate: boolean;
  /** Where the expectation is written (an attribute or an output block). */
  position: Position;
  /** true when the expectation is an output block shown on the page. */
  shown: boolean;
}

/** `exit=0` (default), `exit=3`, `exit=1,2`, `exit=nonzero`, `exit=any`. */
export type ExitExpectation =
  | { kind: 'codes'; codes: number[] }
  | { kind: 'nonzero' }
  | { kind: 'any' };

/**
 * `operator`: what a reader runs on their own system during an incident.
 * `drill`: how the page stages the incident here (faults, sample data, a killed server).
 * `proof`: how the page checks its own claim (fingerprints, answer keys, counts).
 * Only operator steps go into the downloadable script.
 */
export type StepRole = 'operator' | 'drill' | 'proof';

export interface Step {
  /** Stable id: written as `id=` or derived from the step's ordinal (`step-3`). */
  id: string;
  /** true when the id was written by the author. */
  explicitId: boolean;
  /** 1-based order within the runbook. */
  index: number;
  position: Position;
  language: StepLanguage;
  /** The fence's language word as written (`bash`, `sh`, `sql`…). */
  lang: string;
  /** The block's text, byte for byte as shown on the page and copied by readers. */
  code: string;
  /** The fence's meta string as written. */
  meta: string;
  title?: string;
  hidden: boolean;
  /** What the step is for: see StepRole. */
  role: StepRole;
  /** `sandbox-only="why"`: the step uses a setting that is safe only in a throwaway sandbox; the site shows why. */
  sandboxOnly?: string;
  /** `on="db1"`: the host the reader runs the command on (free text, for the page; where the harness runs it is `server`). */
  on?: string;
  /** `as="postgres"`: the OS user the reader runs the command as (free text, for the page). */
  as?: string;
  /**
   * `server=standby`: the step runs on the machine of that server of
   * `runbook.servers` (its container, with its own $PGHOST, $PGPORT and
   * $PGDATA), not the primary's; `primary` names the primary. Default: the primary.
   */
  server?: string;
  exit: ExitExpectation;
  timeoutMs: number;
  /** For SQL steps: the database to connect to (`db=`); default: $PGDATABASE. */
  database?: string;
  expectations: OutputExpectation[];
}

/** A block shown on the page but deliberately not executed. */
export interface UnverifiedBlock {
  position: Position;
  lang: string;
  code: string;
  reason: string;
}

/** One extra server of `runbook.servers`. */
export interface ServerSpec {
  name: string;
  /** A fixed major; absent (and no `byRun`): the run's own. */
  major?: number;
  /** The server's major for each major the runbook runs on; a run's major missing here is "n/a". */
  byRun?: Record<number, number>;
}

export interface RunbookSettings {
  /** Default per-step timeout. */
  timeoutMs: number;
  /** PostgreSQL major versions the runbook applies to (`postgres: ">=17"`); unbounded when absent. */
  versions: { min?: number; max?: number };
  /**
   * Extra servers the runbook needs besides the primary: `servers: { old: 13 }`; no major: the run's own;
   * `old: { 17: 13, 18: 15 }`: a major per run's major (`byRun`), for pairs such as upgrades.
   */
  servers: ServerSpec[];
  /** Size in MiB of a small filesystem at $SMALL_DISK (`small-disk: 32M`), for disk-full drills. */
  smallDiskMiB?: number;
  /** `unproven-restore: "why"`: the page restores data and says why it does not compare the result. */
  unprovenRestore?: string;
  /**
   * `sandbox: containers`: every server needs a machine of its own (Patroni and etcd on each, with
   * the same ports everywhere), which the local sandbox, one machine for all, cannot give.
   */
  ownMachines?: true;
}

export interface Runbook {
  file: string;
  title: string;
  description?: string;
  settings: RunbookSettings;
  steps: Step[];
  unverified: UnverifiedBlock[];
  /** sha256 of the Markdown source: ties a report entry to the exact text that ran. */
  sourceHash: string;
}

export type Severity = 'error' | 'warning';

/** A problem found in a runbook, always with a position and a way to fix it. */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  hint: string;
  position: Position;
}

export interface ParseResult {
  runbook: Runbook | undefined;
  diagnostics: Diagnostic[];
}

/** What one step did, as observed. */
export interface StepOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** The shell session ended during the step (`exit`, `set -e`, a crash). */
  sessionEnded: boolean;
  /** Output past the capture limit was dropped from the middle. */
  truncated: boolean;
  /** The first command that failed where `set -e` would have stopped the step (even if the step went on to exit 0). */
  firstFailure?: { status: number; command: string };
}

export type StepStatus = 'passed' | 'failed' | 'timed-out' | 'not-run';

export interface Failure {
  /** What was expected, in words: `exit status 0`, `stdout to contain "COPY 3"`. */
  expected: string;
  /** What happened instead. */
  actual: string;
  position: Position;
}

export interface StepResult {
  step: Step;
  status: StepStatus;
  outcome?: StepOutcome;
  failures: Failure[];
  /** The exact text the shell received (for SQL: the psql invocation with the SQL). */
  executed?: string;
  /** Set when a step that starts a server failed: the tail of each server log it used (execute/server-log.ts). */
  serverLogs?: ServerLogTail[];
}

/** The last lines of one server log, as shown: paths as variables, secrets masked. */
export interface ServerLogTail {
  /** How the log was named: `$SERVER_LOG`, or the `-l` argument as the step wrote it. */
  path: string;
  tail: string;
}

export type RunbookStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface ServerInfo {
  /** `SELECT version()` */
  version: string;
  /** server_version_num / 10000 */
  major: number;
  /** Where the server came from: a binary directory, or an image reference. */
  source: string;
}

export interface RunbookResult {
  runbook: Runbook;
  status: RunbookStatus;
  sandbox: string;
  /** The major version this result is for (one runbook runs once per version of the matrix). */
  major: number;
  server?: ServerInfo;
  /** Extra servers the runbook asked for, by name. */
  extraServers?: Record<string, ServerInfo>;
  steps: StepResult[];
  durationMs: number;
  /** Why the runbook could not run at all (sandbox failed to start, …), or why it was skipped. */
  error?: string;
  /** Taken from the cache: an earlier run with the same runbook, scripts, harness and server passed. */
  reused?: { verifiedAt: string };
}
