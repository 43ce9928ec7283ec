import { randomBytes } from 'node:crypto';
import { MARKER_VARIABLE } from './processes.ts';

export interface StepEnvInput {
  sandboxId: string;
  /** A password generated for this sandbox, for runbooks that need one; masked in all captured output. */
  password?: string;
  binDir: string;
  /** The project's scripts/ as the sandbox sees it. */
  scriptsDir: string;
  root: string;
  socketDir: string;
  port: number;
  dataDir: string;
  backupDir: string;
  /**
   * A directory every machine of the run sees: it stands in for copying files between machines
   * (scp, configuration management), which sandbox machines have no other way to do.
   */
  sharedDir: string;
  user: string;
}

/**
 * The complete environment of a step, built from nothing: the caller's
 * environment (with its PG* variables, DATABASE_URL, ~/.pgpass and service
 * files) never reaches a step. HOME is the sandbox's own, so `~/.pgpass`
 * means a file inside the sandbox, and PGPASSFILE, PGSERVICEFILE and
 * PGSYSCONFDIR point into the sandbox so libpq's defaults are not consulted.
 */
export function stepEnvironment(input: StepEnvInput): Record<string, string> {
  const home = `${input.root}/home`;
  return {
    PATH: `${input.binDir}:${input.scriptsDir}:${input.scriptsDir}/fixtures:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: home,
    USER: input.user,
    LOGNAME: input.user,
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    TERM: 'dumb',
    TMPDIR: `${input.root}/tmp`,
    PGHOST: input.socketDir,
    PGPORT: String(input.port),
    PGUSER: 'postgres',
    PGDATABASE: 'postgres',
    PGDATA: input.dataDir,
    PGPASSFILE: `${home}/.pgpass`,
    PGSERVICEFILE: `${home}/.pg_service.conf`,
    PGSYSCONFDIR: `${input.root}/etc`,
    BACKUP_DIR: input.backupDir,
    SANDBOX_DIR: input.root,
    SHARED_DIR: input.sharedDir,
    SERVER_LOG: `${input.root}/log/server.log`,
    RUNBOOK_SCRIPTS: input.scriptsDir,
    RUNBOOK_FIXTURES: `${input.scriptsDir}/fixtures`,
    SANDBOX_PASSWORD: input.password ?? randomBytes(18).toString('base64url'),
    [MARKER_VARIABLE]: input.sandboxId,
  };
}
