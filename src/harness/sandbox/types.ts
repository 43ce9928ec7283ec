import type { ServerInfo } from '../model.ts';

/** How to open the sandbox's interactive shell: the executor spawns exactly this. */
export interface ShellCommand {
  file: string;
  args: string[];
  /** The complete environment: nothing of the caller's is inherited. */
  env: Record<string, string>;
  cwd: string;
  uid?: number;
  gid?: number;
}

/** A second (third…) server a runbook asks for: `runbook.servers: { old: 13 }`. */
export interface ExtraServer {
  name: string;
  /** Absent: the version of the run (`servers: { standby: same }`). */
  major?: number;
}

export interface SandboxOptions {
  signal?: AbortSignal;
  servers?: ExtraServer[];
  /** A small filesystem of this many MiB at $SMALL_DISK, for disk-full drills. */
  smallDiskMiB?: number;
  /** Every server on a machine of its own (`sandbox: containers`). */
  ownMachines?: boolean;
  /** Progress notes ("initdb 0.9 s"), for the CLI's live output. */
  log?: (message: string) => void;
}

/** A recipe for throwaway PostgreSQL servers. `start` makes a brand-new one. */
export interface Sandbox {
  /** `none`: no server for this major here (no-server.ts); its runs are reported, never started. */
  readonly kind: 'local' | 'docker' | 'none';
  /** One line for humans: "local cluster, PostgreSQL 15.18 from /usr/lib/postgresql/15/bin". */
  readonly description: string;
  start(options?: SandboxOptions): Promise<StartedSandbox>;
  /** What exactly runs the server (image id, or binaries and version): part of the result cache's key. */
  identity(): Promise<string>;
  /** Removes what the recipe keeps between runs (containers kept for reuse); call once, after the last run. */
  close?(): Promise<void>;
}

/**
 * A running throwaway server and everything around it. Disposing it stops the
 * server, kills whatever the steps left running and removes every file.
 */
export interface StartedSandbox extends AsyncDisposable {
  readonly kind: 'local' | 'docker';
  /** Unique per sandbox; also the marker in every process the sandbox starts. */
  readonly id: string;
  readonly server: ServerInfo;
  /** The extra servers, by name. Steps reach them through `<NAME>_PGHOST` and `<NAME>_PGPORT`. */
  readonly extraServers: Readonly<Record<string, ServerInfo>>;
  /** The variables steps see on the primary (also part of `shell().env`). */
  readonly stepEnv: Readonly<Record<string, string>>;
  /**
   * The step shell on the primary's machine, or on the machine of the extra
   * server `server` (a step's `server=`): there $PGHOST, $PGPORT and $PGDATA
   * are that server's, and `PRIMARY_PGHOST` / `PRIMARY_PGPORT` reach the primary.
   */
  shell(server?: string): ShellCommand;
  /** Throws unless the server at the sandbox's address is the one this sandbox created. */
  checkIdentity(): Promise<void>;
  /** Kills every process started inside the sandbox (after a timeout, before teardown). */
  killAll(): Promise<void>;
  /** Copies the backup directory out to `target` on the host, for inspection after the run. */
  copyBackupsOut(target: string): Promise<void>;
  stop(): Promise<void>;
}
