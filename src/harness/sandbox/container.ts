import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { execa } from 'execa';
import { GenericContainer, getContainerRuntimeClient, getReaper, LABEL_TESTCONTAINERS_SESSION_ID, type StartedTestContainer } from 'testcontainers';
import type { ServerInfo } from '../model.ts';
import { HarnessError } from '../errors.ts';
import type { Sandbox, SandboxOptions, ShellCommand, StartedSandbox } from './types.ts';
import { stepEnvironment } from './step-env.ts';
import { bootstrapScript, checkIdentityAnswer, IDENTITY_SQL, parseBootstrap } from './bootstrap.ts';
import { shellQuote } from '../text/index.ts';
import { docker, LABEL, OWNER_LABEL, ownerLabel, sweepStaleDocker } from './docker.ts';
import { resolveImage } from './images.ts';
import { preparedImage } from './prepared-image.ts';
import { extraServerEnv } from './extra-servers.ts';
import { chooseReaper, type ReaperChoice } from './ryuk.ts';
import { ContainerPool, SCRATCH } from './container-pool.ts';
import type { DockerEnv, SandboxSettings } from './settings.ts';

const ROOT = '/sandbox';
const PORT = 5432;
/** $SHARED_DIR: on a run of several machines, one Docker volume mounted in each of them. */
const SHARED = `${ROOT}/shared`;
/** Outside the scratch mounts, so the copy made at container start is not hidden by them; copied into $ROOT per run. */
const SCRIPTS_COPY = '/opt/runbooks/scripts';
/** PID 1 that does nothing but reap: the server is started and restarted by steps, never by the container. */
const INIT = ['bash', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'];

export interface ContainerSandboxOptions {
  major: number;
  /** The project's scripts/ directory, copied into every container. */
  scriptsDir: string;
  settings: SandboxSettings;
  /**
   * Keep containers between runs (container-pool.ts): a run then costs a fresh
   * cluster, not a new container. Whoever sets it calls `close()` at the end.
   * Runs with extra servers or a small disk always get new containers.
   */
  reuse?: boolean;
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
  private readonly pool: ContainerPool | undefined;
  /** Once per recipe, not per run: each costs docker calls (~0.1 s apiece) that give the same answer all run long. */
  private swept: Promise<unknown> | undefined;
  private readonly images = new Map<number, Promise<Prepared>>();

  constructor(options: ContainerSandboxOptions) {
    this.options = options;
    this.major = options.major;
    this.description = `Docker container, PostgreSQL ${options.major}`;
    this.pool = options.reuse ? new ContainerPool((c) => removeContainer(options.settings.docker, c)) : undefined;
  }

  async identity(): Promise<string> {
    const image = await resolveImage(this.options.settings, this.options.scriptsDir, this.options.major);
    const id = await docker(this.options.settings.docker, ['image', 'inspect', '--format', '{{.Id}}', image]);
    return `docker ${image} ${id.stdout.trim()}`;
  }

  async start(options: SandboxOptions = {}): Promise<StartedSandbox> {
    const { settings, scriptsDir, major } = this.options;
    await (this.swept ??= sweepStaleDocker(settings.docker));
    const reaper = await chooseReaper(settings, scriptsDir);
    configureTestcontainers(settings, reaper);
    if (reaper.on) await startReaperOnce();
    const pooled = this.pool && !options.servers?.length && options.smallDiskMiB === undefined ? this.pool : undefined;
    const started = new StartedContainerSandbox(randomUUID(), major, scriptsDir, settings, (m) => this.prepared(m), pooled);
    try {
      await started.create(options);
      return started;
    } catch (error) {
      await started.stop();
      throw error;
    }
  }

  /** Removes the containers kept for reuse. */
  async close(): Promise<void> {
    await this.pool?.close();
  }

  private prepared(major: number): Promise<Prepared> {
    let found = this.images.get(major);
    if (!found) {
      const { settings, scriptsDir } = this.options;
      found = resolveImage(settings, scriptsDir, major).then(async (image) => ({ base: image, ...(await preparedImage(settings, image, major)) }));
      // A failure is not remembered: the next run asks again.
      found.catch(() => this.images.delete(major));
      this.images.set(major, found);
    }
    return found;
  }
}

let reaperStarted: Promise<unknown> | undefined;

/**
 * Ryuk, started before the first container: two sandboxes starting at once
 * (parallel jobs, a sandbox started ahead) would otherwise each start one.
 */
function startReaperOnce(): Promise<unknown> {
  reaperStarted ??= getContainerRuntimeClient().then((client) => getReaper(client)).catch((error: unknown) => {
    reaperStarted = undefined;
    throw error;
  });
  return reaperStarted;
}

interface Prepared {
  /** The image as versions.tsv names it: reported as the server's source. */
  base: string;
  /** The image containers run: `base` with a pristine cluster inside (prepared-image.ts), or `base` itself. */
  image: string;
  template?: string;
}

async function removeContainer(env: DockerEnv, container: StartedTestContainer): Promise<void> {
  await container.stop({ timeout: 0, remove: true, removeVolumes: true }).catch(() => docker(env, ['rm', '-f', '-v', container.getId()]));
}

interface Member {
  name: string;
  container: StartedTestContainer;
  systemIdentifier: string;
  dataDir: string;
  /** Set when the container came from (and goes back to) the pool: what container-pool.ts found changed when it was new. */
  baseline?: string;
}

class StartedContainerSandbox implements StartedSandbox {
  readonly kind = 'docker' as const;
  readonly id: string;
  server!: ServerInfo;
  extraServers: Record<string, ServerInfo> = {};
  stepEnv: Record<string, string> = {};
  private readonly scriptsDir: string;
  private readonly members: Member[] = [];
  /** The step environment on each extra server's machine (the primary's is stepEnv). */
  private readonly envs = new Map<string, Record<string, string>>();
  private network: string | undefined;
  /** The volume behind $SHARED_DIR, on runs with a private network. */
  private volume: string | undefined;
  private stopped = false;

  private readonly major: number;
  private readonly settings: SandboxSettings;
  private readonly prepared: (major: number) => Promise<Prepared>;
  private readonly pool: ContainerPool | undefined;

  constructor(id: string, major: number, scriptsDir: string, settings: SandboxSettings, prepared: (major: number) => Promise<Prepared>, pool: ContainerPool | undefined) {
    this.id = id;
    this.major = major;
    this.scriptsDir = scriptsDir;
    this.settings = settings;
    this.prepared = prepared;
    this.pool = pool;
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
      // A named volume, not a directory of this machine: it works with an engine elsewhere (Docker Desktop, a remote engine).
      this.volume = `rb-${short}-shared`;
      const volume = await docker(this.dockerEnv, ['volume', 'create', ...labels.flatMap((l) => ['--label', l]), this.volume]);
      if (volume.exitCode !== 0) throw new HarnessError('SandboxStart', `docker volume create failed: ${volume.stderr.trim()}`);
    }
    const host = (name: string): string => `rb-${short}-${name}`;
    // Every machine has the same layout; only the binaries differ with the server's major.
    const layout = (major: number, password?: string): Record<string, string> => stepEnvironment({
      sandboxId: this.id, ...(password ? { password } : {}), binDir: `/usr/lib/postgresql/${major}/bin`, scriptsDir: `${ROOT}/scripts`, root: ROOT,
      socketDir: `${ROOT}/run`, port: PORT, dataDir: `${ROOT}/data`, backupDir: `${ROOT}/backups`, sharedDir: SHARED, user: 'postgres',
    });
    const primary = await this.member('primary', this.major, host('primary'), options);
    this.server = primary.server;
    this.stepEnv = layout(primary.server.major);
    if (options.smallDiskMiB !== undefined) this.stepEnv.SMALL_DISK = `${ROOT}/small-disk`;
    for (const extra of extras) this.extraServers[extra.name] = (await this.member(extra.name, extra.major ?? this.major, host(extra.name), options)).server;
    if (extras.length === 0) return;
    // Each machine reaches every server (the primary too) by its host on the private network, as the local sandbox
    // names them all on its one machine; on a machine of its own, a server is the default one (its socket, its $PGDATA).
    const peers = Object.assign({}, ...['primary', ...extras.map((e) => e.name)].map((name) => extraServerEnv(name, host(name), PORT)));
    Object.assign(this.stepEnv, peers);
    for (const extra of extras) this.envs.set(extra.name, { ...layout(this.extraServers[extra.name]!.major, this.stepEnv.SANDBOX_PASSWORD!), ...peers });
  }

  /** A container (kept from an earlier run, or new) with a brand-new cluster in it, started and identified. */
  private async member(name: string, major: number, containerName: string, options: SandboxOptions): Promise<{ server: ServerInfo }> {
    if (options.signal?.aborted) throw new HarnessError('Interrupted', 'Interrupted while starting the sandbox');
    const t = performance.now();
    const prepared = await this.prepared(major);
    const kept = name === 'primary' ? this.pool?.take() : undefined;
    const member: Member = kept
      ? { name, container: kept.container, baseline: kept.baseline, systemIdentifier: '', dataDir: `${ROOT}/data` }
      : { name, container: await this.newContainer(prepared.image, containerName, name, options), systemIdentifier: '', dataDir: `${ROOT}/data` };
    this.members.push(member);
    if (!kept && name === 'primary' && this.pool) member.baseline = await this.pool.baseline(member.container);
    options.log?.(`${name}: container ${kept ? 'reused' : 'new'} ${((performance.now() - t) / 1000).toFixed(2)}s`);
    if (options.signal?.aborted) throw new HarnessError('Interrupted', 'Interrupted while starting the sandbox');

    const dirs = ['home', 'tmp', 'run', 'backups', 'work', 'log', 'etc', 'shared'].map((d) => `${ROOT}/${d}`);
    const script = bootstrapScript({
      dataDir: member.dataDir, socketDir: `${ROOT}/run`, port: PORT, log: `${ROOT}/log/server.log`,
      // On a private network every server is reachable from the others. Replication is not let in by the
      // harness: a page that streams adds its own pg_hba line, with a password, as production needs.
      listenAddresses: this.network ? '*' : '',
      ...(this.network ? { hba: ['host all all samenet trust'] } : {}),
      ...(prepared.template ? { template: prepared.template } : {}),
    });
    // One exec, as root: lay out $ROOT, then become postgres (setpriv, as an operator's `runuser`) for the cluster.
    const asPostgres = `setpriv --reuid=postgres --regid=postgres --init-groups env -i HOME=${ROOT}/home LANG=C.UTF-8 PATH=/usr/lib/postgresql/${major}/bin:/usr/bin:/bin bash -c ${shellQuote(script)}`;
    const output = await this.exec(member.container, ['bash', '-c', [
      'set -euo pipefail', `mkdir -p ${dirs.join(' ')}`, `cp -a ${SCRIPTS_COPY} ${ROOT}/scripts`, `chown -R postgres:postgres ${ROOT}`, asPostgres,
    ].join('\n')], 'root', 'initdb and server start');
    const booted = parseBootstrap(output);
    member.systemIdentifier = booted.systemIdentifier;
    checkIdentityAnswer(booted.served, member, `${member.container.getName()}:${ROOT}/run`);
    options.log?.(`${name}: ready ${((performance.now() - t) / 1000).toFixed(2)}s`);
    return { server: { version: booted.version, major: booted.major, source: prepared.base } };
  }

  private async newContainer(image: string, containerName: string, name: string, options: SandboxOptions): Promise<StartedTestContainer> {
    // Kept containers outlive this sandbox: they are named and labelled by a name of their own, not the run's.
    const pooled = name === 'primary' && this.pool !== undefined;
    // RUNBOOKS_SANDBOX_ON_DISK=1 keeps $ROOT on the container's layer, for runbooks whose data would not fit in memory.
    const scratch = Object.fromEntries(SCRATCH.filter((d) => d !== '/dev/shm' && !(d === ROOT && this.settings.onDisk))
      .map((d) => [d, d === ROOT ? 'rw,exec,mode=0755' : 'rw,exec,mode=1777']));
    let builder = new GenericContainer(image)
      .withName(pooled ? `rb-pool-${randomUUID().slice(0, 8)}-pg${this.major}` : containerName)
      .withEntrypoint(INIT.slice(0, 1)).withCommand(INIT.slice(1))
      .withLabels({ [LABEL]: pooled ? 'pool' : this.id, [OWNER_LABEL]: ownerLabel() })
      .withCopyDirectoriesToContainer([{ source: this.scriptsDir, target: SCRIPTS_COPY }])
      // The sandbox's files live in memory: a fresh cluster's ~1000 files take ~0.8 s to write to the
      // container's layer on a virtual disk, ~0.06 s to a tmpfs; and they vanish with the run.
      .withTmpFs(scratch)
      .withStartupTimeout(60_000);
    builder = this.network ? builder.withNetworkMode(this.network) : builder.withNetworkMode('none');
    if (this.volume) builder = builder.withBindMounts([{ source: this.volume, target: SHARED, mode: 'rw' }]);
    if (name === 'primary' && options.smallDiskMiB !== undefined) {
      // A size-limited tmpfs is a real small filesystem that needs no privileges: ENOSPC comes for real.
      builder = builder.withTmpFs({ ...scratch, [`${ROOT}/small-disk`]: `rw,exec,size=${options.smallDiskMiB}m,mode=1777` });
    }
    return builder.start();
  }

  private async exec(container: StartedTestContainer, argv: string[], user: string, what: string): Promise<string> {
    const result = await container.exec(argv, { user, env: { HOME: `${ROOT}/home`, LANG: 'C.UTF-8' } });
    if (result.exitCode !== 0) {
      throw new HarnessError('SandboxStart', `${what} failed in the container (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim()}`);
    }
    return result.stdout;
  }

  shell(server = 'primary'): ShellCommand {
    const member = this.members.find((m) => m.name === server);
    if (!member) throw new HarnessError('UnknownServer', `This sandbox has no server \`${server}\` (it has ${this.members.map((m) => m.name).join(', ')})`);
    // `env -i`: a step sees exactly the sandbox's variables, not the image's (PG_MAJOR, GOSU_VERSION…).
    const env = Object.entries(server === 'primary' ? this.stepEnv : this.envs.get(server)!).map(([k, v]) => `${k}=${v}`);
    return {
      file: 'docker',
      args: ['exec', '-i', '-u', 'postgres', '-w', `${ROOT}/work`, member.container.getId(), 'env', '-i', ...env, 'bash', '--noprofile', '--norc'],
      env: { ...this.dockerEnv }, cwd: process.cwd(),
    };
  }

  async checkIdentity(): Promise<void> {
    for (const member of this.members) {
      const answer = await this.exec(member.container, ['psql', '-X', '-v', 'ON_ERROR_STOP=1', '-At', '-h', `${ROOT}/run`, '-p', String(PORT), '-U', 'postgres', '-d', 'postgres', '-c', IDENTITY_SQL], 'postgres', 'identity check');
      checkIdentityAnswer(answer, member, `${member.container.getName()}:${ROOT}/run`);
    }
  }

  /** Every process of the sandbox user in every container of the sandbox: the shells, their children, the servers. */
  async killAll(): Promise<void> {
    await Promise.all(this.members.map((m) => m.container.exec(['bash', '-c', 'kill -9 -1 2>/dev/null; true'], { user: 'postgres' }).catch(() => undefined)));
  }

  async copyBackupsOut(target: string): Promise<void> {
    mkdirSync(target, { recursive: true });
    // A tar stream through `docker exec`: `docker cp` cannot read a tmpfs mount, and $ROOT is one.
    const copied = await execa('bash', ['-c', 'set -o pipefail; docker exec "$1" tar -C "$2" -cf - . | tar -C "$3" -xf -', 'copy', this.members[0]!.container.getId(), `${ROOT}/backups`, target],
      { env: this.dockerEnv, extendEnv: false, reject: false, timeout: 300_000 });
    if (copied.exitCode !== 0) throw new HarnessError('SandboxStart', `Copying the backup directory out failed: ${copied.stderr.trim()}`);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.members.map(async (m) => {
      if (m.baseline !== undefined && this.pool) {
        const given = await this.pool.give(m.container, m.baseline);
        if (!given.kept && given.why && this.settings.debug) console.error(`sandbox ${this.id}: container not reused: ${given.why}`);
      } else {
        await removeContainer(this.dockerEnv, m.container);
      }
    }));
    if (this.network) await docker(this.dockerEnv, ['network', 'rm', this.network]);
    if (this.volume) await docker(this.dockerEnv, ['volume', 'rm', this.volume]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
