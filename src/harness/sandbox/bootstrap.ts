import { HarnessError } from '../errors.ts';
import { shellQuote } from '../text/index.ts';

export interface ClusterLayout {
  dataDir: string;
  socketDir: string;
  port: number;
  log: string;
  /** `''` for unix socket only; `'*'` for a server other containers reach on a private network. */
  listenAddresses: string;
  /** Extra pg_hba.conf lines (trust on the private network for a second server). */
  hba?: string[];
  /** A data directory made by `initdbScript` to copy instead of running initdb (much faster). */
  template?: string;
}

/** The query whose answer proves the server at an address is the one bootstrapped. */
const IDENTITY_EXPR = "system_identifier || '|' || current_setting('data_directory')";
export const IDENTITY_SQL = `select ${IDENTITY_EXPR} from pg_control_system()`;

const INITDB = '-U postgres -A trust -E UTF8 --locale=C.UTF-8 --data-checksums --no-sync';

/** A pristine cluster to copy for every sandbox: initdb once, `cp -a` many times. */
export function initdbScript(dataDir: string): string {
  return `set -euo pipefail\ninitdb -D ${shellQuote(dataDir)} ${INITDB} > /dev/null`;
}

/**
 * The script that makes a brand-new cluster and starts it, run as the
 * sandbox's OS user by either sandbox (locally with execa, in a container
 * through exec), so both produce the same server.
 *
 * Settings go into postgresql.conf, not onto pg_ctl's command line, so they
 * survive a runbook's own `pg_ctl restart`. fsync is off: the cluster is
 * thrown away, and killing the server (not the machine) loses nothing anyway.
 * Dynamic shared memory lives in the data directory (mmap), not in /dev/shm:
 * a server that is killed (drills do it, so does an interrupted run) leaves its
 * POSIX segments in /dev/shm forever, and a container's /dev/shm is 64 MiB.
 */
export function bootstrapScript(layout: ClusterLayout): string {
  const q = shellQuote;
  const conf = [
    '', '# proven-runbooks sandbox',
    `listen_addresses = '${layout.listenAddresses}'`, `unix_socket_directories = '${layout.socketDir}'`,
    `port = ${layout.port}`, 'fsync = off', 'dynamic_shared_memory_type = mmap', '',
  ].join('\n');
  return [
    'set -euo pipefail',
    layout.template
      // tar, not `cp -a`: coreutils 9's cp spends ~0.5 s of system time on the ~1000 small
      // files of a fresh cluster here (copy_file_range per file); a tar pipe takes ~0.1 s.
      ? `mkdir -m 700 ${q(layout.dataDir)} && tar -C ${q(layout.template)} -cf - . | tar -C ${q(layout.dataDir)} -xpf -`
      : `initdb -D ${q(layout.dataDir)} ${INITDB} > /dev/null`,
    `printf '%s' ${q(conf)} >> ${q(`${layout.dataDir}/postgresql.conf`)}`,
    ...(layout.hba?.length ? [`printf '%s\\n' ${layout.hba.map(q).join(' ')} >> ${q(`${layout.dataDir}/pg_hba.conf`)}`] : []),
    `pg_ctl -D ${q(layout.dataDir)} -l ${q(layout.log)} -w -t 60 start > /dev/null`,
    `printf 'identifier=%s\\n' "$(pg_controldata ${q(layout.dataDir)} | sed -n 's/^Database system identifier: *//p')"`,
    // `served=`: what the server at the sandbox's address says it is, checked against `identifier=` (checkIdentityAnswer).
    `psql -X -v ON_ERROR_STOP=1 -At -h ${q(layout.socketDir)} -p ${layout.port} -U postgres -d postgres -c "select 'version=' || version()" -c "select 'num=' || current_setting('server_version_num')" -c ${q(`select 'served=' || ${IDENTITY_EXPR} from pg_control_system()`)}`,
  ].join('\n');
}

export interface Bootstrapped {
  systemIdentifier: string;
  version: string;
  major: number;
  /** The identity answer of the server at the sandbox's address, asked right after it started. */
  served: string;
}

export function parseBootstrap(output: string): Bootstrapped {
  const field = (name: string): string => new RegExp(`^${name}=(.*)$`, 'm').exec(output)?.[1]?.trim() ?? '';
  const systemIdentifier = field('identifier');
  const version = field('version');
  const num = Number(field('num'));
  if (!systemIdentifier || !version || !num) {
    throw new HarnessError('SandboxStart', `The new server did not report its identity: ${JSON.stringify(output.slice(0, 500))}`);
  }
  return { systemIdentifier, version, major: Math.floor(num / 10000), served: field('served') };
}

export function checkIdentityAnswer(answer: string, expected: { systemIdentifier: string; dataDir: string }, where: string): void {
  const want = `${expected.systemIdentifier}|${expected.dataDir}`;
  if (answer.trim() !== want) {
    throw new HarnessError('SandboxIdentity', `The server at ${where} is not the sandbox's own (expected ${want}, found ${answer.trim() || 'no answer'})`);
  }
}
