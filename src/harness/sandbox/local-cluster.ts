import { randomUUID } from 'node:crypto';
import { appendFileSync, chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ServerInfo } from '../model.ts';
import { HarnessError } from '../errors.ts';
import type { Sandbox, SandboxOptions, ShellCommand, StartedSandbox } from './types.ts';
import type { PostgresInstall } from './postgres-binaries.ts';
import { killSandboxProcesses } from './processes.ts';
import { stepEnvironment } from './step-env.ts';
import { osUser, type OsUser } from './os-user.ts';
import { sweepStaleSandboxes, writeOwner, SANDBOX_PREFIX } from './stale.ts';

export interface LocalClusterOptions {
  install: PostgresInstall;
  /** The project's scripts/ directory, copied into every sandbox. */
  scriptsDir: string;
  /** Parent of the sandbox directories (default: the OS temp dir). */
  baseDir?: string;
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

  async start(options: SandboxOptions = {}): Promise<StartedSandbox> {
    const base = this.options.baseDir ?? tmpdir();
    await sweepStaleSandboxes(base);
    const user = await osUser();
    const id = randomUUID();
    const root = mkdtempSync(join(base, SANDBOX_PREFIX));
    const started = new StartedLocalCluster(id, root, user, this.options.install);
    try {
      await started.create(this.options.scriptsDir, options);
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
  private systemIdentifier = '';
  private stopped = false;
  readonly id: string;
  readonly root: string;
  private readonly user: OsUser;
  private readonly install: PostgresInstall;

  constructor(id: string, root: string, user: OsUser, install: PostgresInstall) {
    this.id = id;
    this.root = root;
    this.user = user;
    this.install = install;
    this.stepEnv = stepEnvironment({
      sandboxId: id, binDir: install.binDir, scriptsDir: join(root, 'scripts'), root,
      socketDir: join(root, 'run'), port: PORT, dataDir: join(root, 'data'), backupDir: join(root, 'backups'), user: user.name,
    });
  }

  async create(scriptsDir: string, options: SandboxOptions): Promise<void> {
    writeOwner(this.root, this.id);
    for (const dir of ['home', 'tmp', 'run', 'backups', 'work', 'log', 'etc']) mkdirSync(join(this.root, dir));
    cpSync(scriptsDir, join(this.root, 'scripts'), { recursive: true });
    if (this.user.uid !== undefined) chownTree(this.root, this.user.uid, this.user.gid!);

    let t = performance.now();
    await this.run(['initdb', '-D', this.stepEnv.PGDATA!, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8',
      '--locale=C.UTF-8', '--data-checksums', '--no-sync', '--no-instructions'], options.signal, 'initdb');
    options.log?.(`initdb ${((performance.now() - t) / 1000).toFixed(2)}s`);
    // Settings go into postgresql.conf (not onto pg_ctl's command line) so they survive a
    // runbook's own `pg_ctl restart`. fsync is off: the cluster is thrown away; killing
    // the server (not the machine) loses nothing either way.
    appendFileSync(join(this.stepEnv.PGDATA!, 'postgresql.conf'), [
      '', '# proven-runbooks sandbox',
      "listen_addresses = ''", `unix_socket_directories = '${this.stepEnv.PGHOST}'`, `port = ${PORT}`, 'fsync = off', '',
    ].join('\n'));
    t = performance.now();
    await this.run(['pg_ctl', '-D', this.stepEnv.PGDATA!, '-l', this.stepEnv.SERVER_LOG!, '-w', '-t', '60', 'start'], options.signal, 'pg_ctl start');
    options.log?.(`server start ${((performance.now() - t) / 1000).toFixed(2)}s`);
    const control = await this.run(['pg_controldata', this.stepEnv.PGDATA!], options.signal, 'pg_controldata');
    this.systemIdentifier = /Database system identifier:\s+(\d+)/.exec(control)?.[1] ?? '';
    const [version = '', num = '0'] = (await this.psql("select version(), current_setting('server_version_num')")).split('|');
    this.server = { version, major: Math.floor(Number(num) / 10000), source: this.install.binDir };
    await this.checkIdentity();
  }

  shell(): ShellCommand {
    return { file: '/bin/bash', args: ['--noprofile', '--norc'], env: this.stepEnv, cwd: join(this.root, 'work'), ...this.user.spawnIds };
  }

  async checkIdentity(): Promise<void> {
    const found = await this.psql("select system_identifier, current_setting('data_directory') from pg_control_system()");
    const expected = `${this.systemIdentifier}|${this.stepEnv.PGDATA}`;
    if (!this.systemIdentifier || found !== expected) {
      throw new HarnessError('SandboxIdentity', `The server at ${this.stepEnv.PGHOST} is not the sandbox's own (expected ${expected}, found ${found})`);
    }
  }

  async killAll(): Promise<void> {
    await killSandboxProcesses(this.id, this.root);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await execa(join(this.install.binDir, 'pg_ctl'), ['-D', this.stepEnv.PGDATA!, '-m', 'immediate', '-w', '-t', '10', 'stop'], {
      env: this.stepEnv, extendEnv: false, reject: false, ...this.user.spawnIds,
    });
    const survivors = await killSandboxProcesses(this.id, this.root);
    rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
    if (survivors.length > 0) throw new Error(`processes ${survivors.join(', ')} of sandbox ${this.id} would not die`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async psql(sql: string): Promise<string> {
    return (await this.run(['psql', '-X', '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], undefined, 'psql')).trim();
  }

  /** Runs a server tool as the sandbox's user with the sandbox's environment. */
  private async run(argv: string[], signal: AbortSignal | undefined, what: string): Promise<string> {
    const [tool, ...args] = argv;
    const result = await execa(join(this.install.binDir, tool!), args, {
      env: this.stepEnv, extendEnv: false, cwd: this.root, reject: false, timeout: 120_000,
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
