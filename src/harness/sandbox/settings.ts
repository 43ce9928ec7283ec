/**
 * What the sandboxes take from the harness's environment. Read once, at the
 * edge (the CLI, a test, the bench), and passed in through the options:
 * nothing under sandbox/ reads `process.env`, so a sandbox does what its
 * options say, whoever calls it.
 */

/** The environment the docker CLI runs with: where the engine is, and nothing of the caller's PG* settings. */
export type DockerEnv = Readonly<Record<string, string>>;

export interface SandboxSettings {
  /** The caller's PATH: where PostgreSQL binaries (for extra servers too) are looked for. */
  path: string;
  docker: DockerEnv;
  /** `RUNBOOKS_IMAGE_SOURCE=local|official`: only that kind of image; otherwise the official one, then ours. */
  imageSource?: string;
  /** `RUNBOOKS_SANDBOX_ON_DISK=1`: keep sandboxes on disk instead of a tmpfs (local ones as root; $SANDBOX_DIR in containers). */
  onDisk: boolean;
  /** `RUNBOOKS_DEBUG`: say why preparing an image failed. */
  debug: boolean;
  /**
   * The variables Testcontainers reads from `process.env` (it has no other
   * way in); the container sandbox sets them when it first starts.
   * TESTCONTAINERS_RYUK_DISABLED only when the caller set it (otherwise ryuk.ts decides);
   * TESTCONTAINERS_HOST_OVERRIDE is `localhost` unless the caller set it (see container.ts);
   * RYUK_CONTAINER_IMAGE only when the caller set it.
   */
  testcontainers: Readonly<Record<string, string>>;
}

type Env = Readonly<Record<string, string | undefined>>;

const DOCKER_CLIENT_VARIABLES = ['HOME', 'DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'DOCKER_API_VERSION'];

/** The docker CLI's environment out of a process environment: PATH and where the engine is. */
export function dockerClientEnv(env: Env): DockerEnv {
  const out: Record<string, string> = { PATH: env.PATH ?? '/usr/bin:/bin' };
  for (const name of DOCKER_CLIENT_VARIABLES) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** A process environment → the sandboxes' settings. Pure. */
export function sandboxSettings(env: Env): SandboxSettings {
  // Ryuk (Testcontainers' reaper) is on wherever it can run; ryuk.ts decides
  // from the engine, and the caller's TESTCONTAINERS_RYUK_DISABLED always wins.
  // Inside a container (a CI runner) Testcontainers looks for the gateway of
  // Docker's default bridge, which an engine started with --bridge=none lacks.
  // Steps go through exec; the one port we connect to is Ryuk's, published on
  // loopback (scripts/docker-engine.sh), so localhost is the right answer.
  const testcontainers: Record<string, string> = {
    TESTCONTAINERS_HOST_OVERRIDE: env.TESTCONTAINERS_HOST_OVERRIDE ?? 'localhost',
  };
  if (env.TESTCONTAINERS_RYUK_DISABLED !== undefined) testcontainers.TESTCONTAINERS_RYUK_DISABLED = env.TESTCONTAINERS_RYUK_DISABLED;
  if (env.RYUK_CONTAINER_IMAGE) testcontainers.RYUK_CONTAINER_IMAGE = env.RYUK_CONTAINER_IMAGE;
  return {
    path: env.PATH ?? '',
    docker: dockerClientEnv(env),
    ...(env.RUNBOOKS_IMAGE_SOURCE !== undefined ? { imageSource: env.RUNBOOKS_IMAGE_SOURCE } : {}),
    onDisk: env.RUNBOOKS_SANDBOX_ON_DISK === '1',
    debug: Boolean(env.RUNBOOKS_DEBUG),
    testcontainers,
  };
}
