import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { GenericContainer, getContainerRuntimeClient, getReaper, LABEL_TESTCONTAINERS_SESSION_ID, type StartedTestContainer } from 'testcontainers';
import type { ServerInfo } from '../model.ts';
import { HarnessError } from '../errors.ts';
import type { Sandbox, SandboxOptions, ShellCommand, StartedSandbox } from './types.ts';
import { stepEnvironment } from './step-env.ts';
import { bootstrapScript, checkIdentityAnswer, IDENTITY_SQL, parseBootstrap } from './bootstrap.ts';
import { docker, LABEL, OWNER_LABEL, ownerLabel, sweepStaleDocker } from './docker.ts';
import { resolveImage } from './images.ts';
import { preparedImage } from './prepared-image.ts';
import { extraServerEnv } from './extra-servers.ts';
import { chooseReaper, type ReaperChoice } from './ryuk.ts';
import type { DockerEnv, SandboxSettings } from './settings.ts';

const ROOT = '/sandbox';
const PORT = 5432;
/** PID 1 that does nothing but reap: the server is started and restarted by steps, never by the container. */
const INIT = ['bash', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'];

export interface ContainerSandboxOptions {
  major: number;
  /** The project's scripts/ directory, copied into every container. */
  scriptsDir: string;
  settings: SandboxSettings;
}

/**
 * Testcontainers reads its settings from `process.env` only, when it first
 * talks to the engine: they are handed over here, just before it does (never
 * on import), with what ryuk.ts chose. TESTCONTAINERS_RYUK_DISABLED is always
 * set, so Testcontainers never starts a reaper ryuk.ts found unable to run.
 */
function configureTestcontainers(settings: SandboxSettings, reaper: ReaperChoice): void {
  Object.assign(process.env, settings.testcontainers, { TESTCONTAINERS_RYUK_DISABLED: reaper.on ? 'false' : 'true' },
    reaper.image ? { RYUK_CONTAINER_IMAGE: reaper.image } : {});
}

/**
 * A brand-new container per runbook (Testcontainers), with no network. Steps
 * run inside it through `docker exec`, as the `postgres` user, so client tools
 * always match the server, as an operator's `docker exec` would.
 */
export class ContainerSandbox implements Sandbox {
  readonly kind = 'docker' as const;
  readonly description: string;
  readonly major: number;
  private readonly options: ContainerSandboxOptions;

  constructor(options: ContainerSandboxOptions) {
    this.options = options;
    this.major = options.major;
    this.description = `Docker container, PostgreSQL ${options.major}`;
  }

  async identity(): Promise<string> {
    const image = await resolveImage(this.options.settings, this.options.scriptsDir, this.options.major);
    const id = await docker(this.options.settings.docker, ['image', 'inspect', '--format', '{{.Id}}', image]);
    return `docker ${image} ${id.stdout.trim()}`;
  }

  async start(options: SandboxOptions = {}): Promise<StartedSandbox> {
    const { settings, scriptsDir, major } = this.options;
    await sweepStaleDocker(settings.docker);
    configureTestcontainers(settings, await chooseReaper(settings, scriptsDir));
    const image = await resolveImage(settings, scriptsDir, major);
    const started = new StartedContainerSandbox(randomUUID(), image, major, scriptsDir, settings);
    try {
      await started.create(options);
      return started;
    } catch (error) {
      await started.stop();
      throw error;
    }
  }
}

interface Member {
  name: string;
  container: StartedTestContainer;
  systemIdentifier: string;
  dataDir: string;
}

class StartedContainerSandbox implements StartedSandbox {
  readonly kind = 'docker' as const;
  readonly id: string;
  server!: ServerInfo;
  extraServers: Record<string, ServerInfo> = {};
  stepEnv: Record<string, string> = {};
  private readonly image: string;
  private readonly scriptsDir: string;
  private readonly members: Member[] = [];
  private network: string | undefined;
  private stopped = false;

  private readonly major: number;
  private readonly settings: SandboxSettings;

  constructor(id: string, image: string, major: number, scriptsDir: string, settings: SandboxSettings) {
    this.id = id;
    this.image = image;
    this.major = major;
    this.scriptsDir = scriptsDir;
    this.settings = settings;
  }

  private get dockerEnv(): DockerEnv {
    return this.settings.docker;
  }

  async create(options: SandboxOptions): Promise<void> {
    const short = this.id.slice(0, 8);
    const extras = options.servers ?? [];
    if (extras.length > 0) {
      // A private network only these containers share: no route anywhere else.
      this.network = `rb-${short}`;
      const labels = [`${LABEL}=${this.id}`, `${OWNER_LABEL}=${ownerLabel()}`];
      // Testcontainers' Network cannot be --internal, so ours is created by hand; with Ryuk on it
      // carries the session's label, so that Ryuk removes it with the containers.
      if ((await chooseReaper(this.settings, this.scriptsDir)).on) {
        labels.push(`${LABEL_TESTCONTAINERS_SESSION_ID}=${(await getReaper(await getContainerRuntimeClient())).sessionId}`);
      }
      const created = await docker(this.dockerEnv, ['network', 'create', '--internal', ...labels.flatMap((l) => ['--label', l]), this.network]);
      if (created.exitCode !== 0) throw new HarnessError('SandboxStart', `docker network create failed: ${created.stderr.trim()}`);
    }
    const primary = await this.member('primary', this.image, this.major, `rb-${short}-primary`, options);
    this.server = primary.server;
    this.stepEnv = stepEnvironment({
      sandboxId: this.id, binDir: `/usr/lib/postgresql/${primary.server.major}/bin`, scriptsDir: `${ROOT}/scripts`, root: ROOT,
      socketDir: `${ROOT}/run`, port: PORT, dataDir: `${ROOT}/data`, backupDir: `${ROOT}/backups`, user: 'postgres',
    });
    if (options.smallDiskMiB !== undefined) this.stepEnv.SMALL_DISK = `${ROOT}/small-disk`;
    for (const extra of extras) {
      const host = `rb-${short}-${extra.name}`;
      const started = await this.member(extra.name, await resolveImage(this.settings, this.scriptsDir, extra.major), extra.major, host, options);
      this.extraServers[extra.name] = started.server;
      Object.assign(this.stepEnv, extraServerEnv(extra.name, host, PORT));
    }
    await this.checkIdentity();
  }

  /** Starts one container and bootstraps its cluster. */
  private async member(name: string, image: string, major: number, containerName: string, options: SandboxOptions): Promise<{ server: ServerInfo }> {
    if (options.signal?.aborted) throw new HarnessError('Interrupted', 'Interrupted while starting the sandbox');
    const t = performance.now();
    const prepared = await preparedImage(this.settings, image, major);
    let builder = new GenericContainer(prepared.image)
      .withName(containerName)
      .withEntrypoint(INIT.slice(0, 1)).withCommand(INIT.slice(1))
      .withLabels({ [LABEL]: this.id, [OWNER_LABEL]: ownerLabel() })
      .withCopyDirectoriesToContainer([{ source: this.scriptsDir, target: `${ROOT}/scripts` }])
      .withStartupTimeout(60_000);
    builder = this.network ? builder.withNetworkMode(this.network) : builder.withNetworkMode('none');
    if (name === 'primary' && options.smallDiskMiB !== undefined) {
      // A size-limited tmpfs is a real small filesystem that needs no privileges: ENOSPC comes for real.
      builder = builder.withTmpFs({ [`${ROOT}/small-disk`]: `rw,size=${options.smallDiskMiB}m,mode=1777` });
    }
    const container = await builder.start();
    const member: Member = { name, container, systemIdentifier: '', dataDir: `${ROOT}/data` };
    this.members.push(member);
    options.log?.(`${name}: container ${((performance.now() - t) / 1000).toFixed(2)}s`);
    if (options.signal?.aborted) throw new HarnessError('Interrupted', 'Interrupted while starting the sandbox');

    const dirs = ['home', 'tmp', 'run', 'backups', 'work', 'log', 'etc'].map((d) => `${ROOT}/${d}`);
    await this.exec(container, ['bash', '-c', `mkdir -p ${dirs.join(' ')} && chown -R postgres:postgres ${ROOT}`], 'root', 'prepare /sandbox');
    const script = bootstrapScript({
      dataDir: member.dataDir, socketDir: `${ROOT}/run`, port: PORT, log: `${ROOT}/log/server.log`,
      listenAddresses: name === 'primary' ? '' : '*',
      ...(name === 'primary' ? {} : { hba: ['host all all samenet trust'] }),
      ...(prepared.template ? { template: prepared.template } : {}),
    });
    const booted = parseBootstrap(await this.exec(container, ['bash', '-c', `export PATH=/usr/lib/postgresql/${major}/bin:$PATH; ${script}`], 'postgres', 'initdb and server start'));
    member.systemIdentifier = booted.systemIdentifier;
    options.log?.(`${name}: ready ${((performance.now() - t) / 1000).toFixed(2)}s`);
    return { server: { version: booted.version, major: booted.major, source: image } };
  }

  private async exec(container: StartedTestContainer, argv: string[], user: string, what: string): Promise<string> {
    const result = await container.exec(argv, { user, env: { HOME: `${ROOT}/home`, LANG: 'C.UTF-8' } });
    if (result.exitCode !== 0) {
      throw new HarnessError('SandboxStart', `${what} failed in the container (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim()}`);
    }
    return result.stdout;
  }

  shell(): ShellCommand {
    const primary = this.members[0]!;
    // `env -i`: a step sees exactly the sandbox's variables, not the image's (PG_MAJOR, GOSU_VERSION…).
    const env = Object.entries(this.stepEnv).map(([k, v]) => `${k}=${v}`);
    return {
      file: 'docker',
      args: ['exec', '-i', '-u', 'postgres', '-w', `${ROOT}/work`, primary.container.getId(), 'env', '-i', ...env, 'bash', '--noprofile', '--norc'],
      env: { ...this.dockerEnv }, cwd: process.cwd(),
    };
  }

  async checkIdentity(): Promise<void> {
    for (const member of this.members) {
      const answer = await this.exec(member.container, ['psql', '-X', '-v', 'ON_ERROR_STOP=1', '-At', '-h', `${ROOT}/run`, '-p', String(PORT), '-U', 'postgres', '-d', 'postgres', '-c', IDENTITY_SQL], 'postgres', 'identity check');
      checkIdentityAnswer(answer, member, `${member.container.getName()}:${ROOT}/run`);
    }
  }

  /** Every process of the sandbox user in the primary container: the shell, its children, the server. */
  async killAll(): Promise<void> {
    const primary = this.members[0];
    if (primary) await primary.container.exec(['bash', '-c', 'kill -9 -1 2>/dev/null; true'], { user: 'postgres' }).catch(() => undefined);
  }

  async copyBackupsOut(target: string): Promise<void> {
    mkdirSync(target, { recursive: true });
    // `docker cp dir/.` copies the directory's contents, like `cp -r dir/. target`.
    const copied = await docker(this.dockerEnv, ['cp', `${this.members[0]!.container.getId()}:${ROOT}/backups/.`, target], 300_000);
    if (copied.exitCode !== 0) throw new HarnessError('SandboxStart', `Copying the backup directory out failed: ${copied.stderr.trim()}`);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.members.map((m) => m.container.stop({ timeout: 0, remove: true, removeVolumes: true }).catch(() =>
      docker(this.dockerEnv, ['rm', '-f', '-v', m.container.getId()]))));
    if (this.network) await docker(this.dockerEnv, ['network', 'rm', this.network]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
