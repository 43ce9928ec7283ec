import { randomUUID } from 'node:crypto';
import { appendFileSync, chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import type { ServerInfo } from '../model.ts';
import { HarnessError } from '../errors.ts';
import type { Sandbox, SandboxOptions, ShellCommand, StartedSandbox } from './types.ts';
import { findPostgres, type PostgresInstall } from './postgres-binaries.ts';
import type { SandboxSettings } from './settings.ts';
import { extraServerEnv } from './extra-servers.ts';
import { killSandboxProcesses } from './processes.ts';
import { stepEnvironment } from './step-env.ts';
import { osUser, type OsUser } from './os-user.ts';
import { sweepStaleSandboxes, writeOwner, SANDBOX_PREFIX, TEMPLATE_PREFIX } from './stale.ts';
import { bootstrapScript, checkIdentityAnswer, IDENTITY_SQL, initdbScript, parseBootstrap } from './bootstrap.ts';

export interface LocalClusterOptions {
  install: PostgresInstall;
  /** The project's scripts/ directory, copied into every sandbox. */
  scriptsDir: string;
  /** Parent of the sandbox directories (default: the OS temp dir). */
  baseDir?: string;
  /** Copy a cluster prepared once instead of running initdb per sandbox (default: true). */
  prepared?: boolean;
  settings: SandboxSettings;
}

const PORT = 5432;

/** A brand-new cluster per runbook: `initdb` + `pg_ctl` in a temp directory, unix socket only. */
export class LocalClusterSandbox implements Sandbox {
  readonly kind = 'local' as const;
  readonly description: string;
  private readonly options: LocalClusterOptions;

  constructor(options: LocalClusterOptions) {
    this.options = options;
    const { install } = options;
    this.description = `local cluster, PostgreSQL ${install.version} from ${install.binDir} (found via ${install.foundBy})`;
  }

  private template: Promise<string> | undefined;

  async identity(): Promise<string> {
    return `local ${this.options.install.binDir} ${this.options.install.version}`;
  }

  /**
   * initdb once per sandbox recipe, in a directory of its own; each sandbox
   * then copies it (`cp -a`, ~0.1 s) instead of running initdb (~0.5-1 s).
   * Removed when the process exits; a crashed process's copy is swept like a
   * stale sandbox.
   */
  private prepareTemplate(base: string, user: OsUser): Promise<string> {
    this.template ??= (async () => {
      const root = mkdtempSync(join(base, TEMPLATE_PREFIX));
      writeOwner(root, `template-${randomUUID()}`);
      removeAtExit(root);
      if (user.uid !== undefined) chownSync(root, user.uid, user.gid!);
      const env = { PATH: `${this.options.install.binDir}:/usr/bin:/bin`, LANG: 'C.UTF-8', HOME: root };
      const result = await execa('bash', ['-c', initdbScript(join(root, 'data'))], { env, extendEnv: false, cwd: root, reject: false, ...user.spawnIds });
      if (result.exitCode !== 0) throw new HarnessError('SandboxStart', `initdb failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
      return join(root, 'data');
    })();
    this.template.catch(() => { this.template = undefined; });
    return this.template;
  }

  async start(options: SandboxOptions = {}): Promise<StartedSandbox> {
    const base = this.options.baseDir ?? tmpdir();
    await sweepStaleSandboxes(base);
    const user = await osUser();
    const template = this.options.prepared === false ? undefined : await this.prepareTemplate(base, user);
    const id = randomUUID();
    const root = mkdtempSync(join(base, SANDBOX_PREFIX));
    const started = new StartedLocalCluster(id, root, user, this.options.install, template);
    try {
      await started.create(this.options.scriptsDir, this.options.settings, options);
      return started;
    } catch (error) {
      await started.stop();
      throw error;
    }
  }
}

class StartedLocalCluster implements StartedSandbox {
  readonly kind = 'local' as const;
  readonly stepEnv: Record<string, string>;
  server!: ServerInfo;
  readonly extraServers: Record<string, ServerInfo> = {};
  private readonly members: { name: string; systemIdentifier: string; dataDir: string; port: number; log: string; binDir: string }[] = [];
  private readonly mounts: string[] = [];
  private stopped = false;
  readonly id: string;
  readonly root: string;
  private readonly user: OsUser;
  private readonly install: PostgresInstall;

  private readonly template: string | undefined;

  constructor(id: string, root: string, user: OsUser, install: PostgresInstall, template?: string) {
    this.template = template;
    this.id = id;
    this.root = root;
    this.user = user;
    this.install = install;
    this.stepEnv = stepEnvironment({
      sandboxId: id, binDir: install.binDir, scriptsDir: join(root, 'scripts'), root,
      socketDir: join(root, 'run'), port: PORT, dataDir: join(root, 'data'), backupDir: join(root, 'backups'), sharedDir: join(root, 'shared'), user: user.name,
    });
  }

  async create(scriptsDir: string, settings: SandboxSettings, options: SandboxOptions): Promise<void> {
    if (options.ownMachines) {
      throw new HarnessError('Unavailable', 'This runbook needs a machine of its own for every server (`sandbox: containers`); the local sandbox is one machine for all: verify it with --sandbox docker');
    }
    await this.mountRam(settings.onDisk);
    writeOwner(this.root, this.id);
    for (const dir of ['home', 'tmp', 'run', 'backups', 'work', 'log', 'etc', 'servers', 'shared']) mkdirSync(join(this.root, dir));
    cpSync(scriptsDir, join(this.root, 'scripts'), { recursive: true });
    if (this.user.uid !== undefined) chownTree(this.root, this.user.uid, this.user.gid!);
    if (options.smallDiskMiB !== undefined) await this.mountSmallDisk(options.smallDiskMiB);
    this.server = await this.boot('primary', this.install, this.stepEnv.PGDATA!, PORT, this.stepEnv.SERVER_LOG!, options);
    let port = PORT;
    for (const extra of options.servers ?? []) {
      // Another major version needs that version's own binaries on this machine.
      const major = extra.major ?? this.install.major;
      const install = major === this.install.major ? this.install : await findPostgres({ major, path: settings.path })
        .catch((error: Error) => { throw new HarnessError('Unavailable', `This runbook needs a PostgreSQL ${major} server (\`${extra.name}\`): ${error.message}`); });
      port++;
      const dataDir = join(this.root, 'servers', extra.name);
      this.extraServers[extra.name] = await this.boot(extra.name, install, dataDir, port, join(this.root, 'log', `${extra.name}.log`), options);
      Object.assign(this.stepEnv, extraServerEnv(extra.name, this.stepEnv.PGHOST!, port));
    }
    await this.checkIdentity();
  }

  /**
   * As root, the whole sandbox lives on a tmpfs of its own: it is thrown away
   * minutes later, and on a virtual disk writing a fresh cluster's ~1000 files
   * costs ~0.6 s against ~0.05 s in memory. Unmounted by stop(), or by the
   * next run's sweep after a crash.
   */
  private async mountRam(onDisk: boolean): Promise<void> {
    if (process.getuid?.() !== 0 || onDisk) return;
    const mounted = await execa('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', this.root], { reject: false });
    if (mounted.exitCode === 0) this.mounts.unshift(this.root);
  }

  /** A size-limited tmpfs: a real small filesystem, so disk-full drills hit ENOSPC for real. Needs root. */
  private async mountSmallDisk(mib: number): Promise<void> {
    const target = join(this.root, 'small-disk');
    if (process.getuid?.() !== 0) {
      throw new HarnessError('Unavailable', `This runbook needs a ${mib} MiB filesystem at $SMALL_DISK, which the local sandbox can mount only as root`);
    }
    mkdirSync(target);
    const mounted = await execa('mount', ['-t', 'tmpfs', '-o', `size=${mib}m,mode=1777`, 'tmpfs', target], { reject: false });
    if (mounted.exitCode !== 0) throw new HarnessError('Unavailable', `Could not mount a ${mib} MiB tmpfs at ${target}: ${mounted.stderr.trim()}`);
    this.mounts.push(target);
    this.stepEnv.SMALL_DISK = target;
  }

  private async boot(name: string, install: PostgresInstall, dataDir: string, port: number, log: string, options: SandboxOptions): Promise<ServerInfo> {
    const started = performance.now();
    const env = { ...this.stepEnv, PATH: this.stepEnv.PATH!.replace(this.install.binDir, install.binDir) };
    const template = install === this.install ? this.template : undefined;
    const output = await this.run(['bash', '-c', bootstrapScript({ dataDir, socketDir: this.stepEnv.PGHOST!, port, log, listenAddresses: '', ...(template ? { template } : {}) })],
      options.signal, `${name}: initdb and server start`, env);
    const booted = parseBootstrap(output);
    options.log?.(`${name}: initdb + start ${((performance.now() - started) / 1000).toFixed(2)}s`);
    this.members.push({ name, systemIdentifier: booted.systemIdentifier, dataDir, port, log, binDir: install.binDir });
    return { version: booted.version, major: booted.major, source: install.binDir };
  }

  shell(server = 'primary'): ShellCommand {
    const cwd = join(this.root, 'work');
    const env = this.envOn(server);
    if (this.user.uid === undefined) return { file: '/bin/bash', args: ['--noprofile', '--norc'], env, cwd };
    // As root we can do what a container does: the steps get a network namespace of their own
    // (its loopback is not the machine's, so no TCP server on this machine is reachable) and a
    // mount namespace where the machine's usual PostgreSQL socket directories are hidden. The
    // sandbox's own server is reached through its socket in the sandbox directory.
    return { file: 'unshare', args: ['--net', '--mount', '--propagation', 'private', '--', 'bash', '-c', isolate(this.user), 'steps'], env, cwd };
  }

  /**
   * The step environment on a server's "machine": here every server shares the
   * one machine, so a step on another server gets that server as its default
   * ($PGPORT, $PGDATA, $SERVER_LOG, its binaries first on PATH), and the
   * primary as PRIMARY_PGHOST / PRIMARY_PGPORT, as in a container.
   */
  private envOn(server: string): Record<string, string> {
    // Named only where there are other servers, as in a container (where it is a host on the private network).
    const primary = this.members.length > 1 ? { ...this.stepEnv, ...extraServerEnv('primary', this.stepEnv.PGHOST!, PORT) } : this.stepEnv;
    if (server === 'primary') return primary;
    const member = this.members.find((m) => m.name === server);
    if (!member) throw new HarnessError('UnknownServer', `This sandbox has no server \`${server}\` (it has ${this.members.map((m) => m.name).join(', ')})`);
    return { ...primary, PGPORT: String(member.port), PGDATA: member.dataDir, SERVER_LOG: member.log, PATH: this.stepEnv.PATH!.replace(this.install.binDir, member.binDir) };
  }

  async checkIdentity(): Promise<void> {
    for (const member of this.members) {
      const answer = await this.run(['psql', '-X', '-v', 'ON_ERROR_STOP=1', '-At', '-p', String(member.port), '-c', IDENTITY_SQL], undefined, 'identity check');
      checkIdentityAnswer(answer, member, `${this.stepEnv.PGHOST}:${member.port}`);
    }
  }

  async killAll(): Promise<void> {
    await killSandboxProcesses(this.id, this.root);
  }

  async copyBackupsOut(target: string): Promise<void> {
    mkdirSync(target, { recursive: true });
    cpSync(this.stepEnv.BACKUP_DIR!, target, { recursive: true });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const member of this.members) {
      await execa(join(this.install.binDir, 'pg_ctl'), ['-D', member.dataDir, '-m', 'immediate', '-w', '-t', '10', 'stop'], {
        env: this.stepEnv, extendEnv: false, reject: false, ...this.user.spawnIds,
      });
    }
    const survivors = await killSandboxProcesses(this.id, this.root);
    // Unmount before deleting, innermost first: rm must never descend into a mounted filesystem.
    for (const mount of [...this.mounts].reverse()) await execa('umount', ['-l', mount], { reject: false });
    rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
    if (survivors.length > 0) throw new HarnessError('SandboxCleanup', `processes ${survivors.join(', ')} of sandbox ${this.id} would not die`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Runs a server tool as the sandbox's user with the sandbox's environment. */
  private async run(argv: string[], signal: AbortSignal | undefined, what: string, env: Record<string, string> = this.stepEnv): Promise<string> {
    const [tool, ...args] = argv;
    const result = await execa(tool!, args, {
      env, extendEnv: false, cwd: this.root, reject: false, timeout: 120_000,
      ...(signal ? { cancelSignal: signal } : {}), ...this.user.spawnIds,
    });
    if (result.isCanceled) throw new HarnessError('Interrupted', `Interrupted during ${what}`);
    if (result.exitCode !== 0) {
      const log = readLog(this.stepEnv.SERVER_LOG!);
      throw new HarnessError('SandboxStart', `${what} failed (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim()}${log ? `\nserver log:\n${log}` : ''}`);
    }
    return result.stdout;
  }
}

/**
 * Runs inside the new namespaces as root, then becomes the sandbox user for good.
 * Debian's socket directory gets an empty tmpfs; sockets of other servers directly
 * in /tmp get /dev/null bound over them; /dev/shm is the namespace's own.
 */
function isolate(user: OsUser): string {
  return [
    'ip link set lo up 2>/dev/null || true',
    'for d in /run/postgresql /var/run/postgresql; do [ -d "$d" ] && mount -t tmpfs -o size=1m tmpfs "$d" 2>/dev/null; done',
    // Servers a runbook starts itself (initdb + pg_ctl) keep POSIX shared memory in /dev/shm; a
    // private one is freed with the namespace, even when the runbook kills them.
    'mount -t tmpfs -o mode=1777 tmpfs /dev/shm',
    'for s in /tmp/.s.PGSQL.*; do [ -S "$s" ] && mount --bind /dev/null "$s"; done',
    `exec setpriv --reuid=${user.uid} --regid=${user.gid} --init-groups bash --noprofile --norc`,
  ].join('; ');
}

const templatesToRemove = new Set<string>();

/** One exit listener for every template of this process (one per sandbox recipe would pile up listeners). */
function removeAtExit(root: string): void {
  if (templatesToRemove.size === 0) {
    process.once('exit', () => {
      for (const dir of templatesToRemove) rmSync(dir, { recursive: true, force: true });
    });
  }
  templatesToRemove.add(root);
}

/** The server log's last lines: the reason a start failed is usually there. */
function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n').trim();
  } catch {
    return '';
  }
}

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) chownTree(path, uid, gid);
    else chownSync(path, uid, gid);
  }
}
