import { describe, expect, it } from 'vitest';
import { detectPlatform, machineAdvice, RUNBOOK_TOOLS, type MachineFacts, type Platform } from '../../src/harness/machine.ts';

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n';
const UBUNTU = 'PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nID_LIKE=debian\n';
const FEDORA = 'PRETTY_NAME="Fedora Linux 40"\nID=fedora\n';

/** A machine lacking everything doctor can name: PostgreSQL, an engine's images, pgbackrest, rsync, shellcheck, Chromium. */
function bare(platform: Platform, docker: MachineFacts['docker'] = { ok: true, version: '27.0' }): MachineFacts {
  return {
    platform,
    node: { version: 'v24.9.0', execPath: '/x/node', ok: true, required: '22.22' },
    postgres: { ok: false, detail: 'no initdb on PATH' },
    user: { ok: true, detail: 'sandboxes run as ann' },
    docker,
    images: docker.ok ? [
      { major: 15, official: 'postgres:15', local: 'proven-runbooks/postgres:15-bookworm' },
      { major: 16, official: 'postgres:16' },
      { major: 17, official: 'postgres:17', local: 'proven-runbooks/postgres:17-trixie', present: 'proven-runbooks/postgres:17-trixie' },
    ] : [],
    tools: RUNBOOK_TOOLS.map(({ tool }) => (['pgbackrest', 'rsync', 'shellcheck'].includes(tool) ? { tool } : { tool, path: `/usr/bin/${tool}` })),
  };
}

/** name → fix line, for the pieces that are missing. */
function fixes(facts: MachineFacts): Record<string, string | undefined> {
  return Object.fromEntries(machineAdvice(facts).filter((c) => !c.ok).map((c) => [c.name, c.fix]));
}

describe('doctor: the platform', () => {
  it('tells Debian and Ubuntu (apt) from macOS and other systems, and root from not', () => {
    expect(detectPlatform('linux', DEBIAN, 0)).toEqual({ kind: 'debian', root: true, name: 'Debian GNU/Linux 12 (bookworm)' });
    expect(detectPlatform('linux', UBUNTU, 1000)).toEqual({ kind: 'debian', root: false, name: 'Ubuntu 24.04 LTS' });
    expect(detectPlatform('darwin', undefined, 501)).toEqual({ kind: 'macos', root: false, name: 'macOS' });
    expect(detectPlatform('linux', FEDORA, 1000).kind).toBe('other');
    expect(detectPlatform('linux', undefined, 1000).kind).toBe('other');
  });
});

describe('doctor: each missing piece with the command that installs it', () => {
  it('Debian as root: apt-get, the project scripts', () => {
    const facts = bare(detectPlatform('linux', DEBIAN, 0));
    const fix = fixes(facts);
    expect(fix.PostgreSQL).toBe('`apt-get install postgresql` (or `bash scripts/setup.sh`)');
    expect(fix.pgbackrest).toBe('`apt-get install pgbackrest`');
    expect(fix.rsync).toBe('`apt-get install rsync`');
    expect(fix.shellcheck).toBe('`apt-get install shellcheck`');
    expect(fix.Chromium).toBe('`apt-get install chromium fonts-dejavu-core`');
    expect(fix['image 15']).toBe('`docker pull postgres:15` where a registry answers, or build proven-runbooks/postgres:15-bookworm from Debian packages: `bash scripts/images/build.sh 15`');
    // versions.tsv's `-`: not available here, and not a problem that stops verify.
    const sixteen = machineAdvice(facts).find((c) => c.name === 'image 16')!;
    expect(sixteen).toMatchObject({ ok: false, required: false, fix: '`docker pull postgres:16` where a registry answers' });
    expect(sixteen.detail).toMatch(/^not available here/);
    expect(machineAdvice(facts).find((c) => c.name === 'image 17')).toMatchObject({ ok: true });
    expect(fixes(bare(facts.platform, { ok: false, clientMissing: true, reason: 'no docker client on PATH' })).Docker)
      .toBe('`apt-get install docker.io`, then `bash scripts/docker-engine.sh ensure`');
    // Only what `verify` cannot do without blocks it.
    expect(machineAdvice(facts).filter((c) => c.required && !c.ok).map((c) => c.name)).toEqual(['PostgreSQL']);
  });

  it('Debian without root: sudo or an admin, and the docker group', () => {
    const platform = detectPlatform('linux', UBUNTU, 1000);
    const fix = fixes(bare(platform));
    expect(fix.PostgreSQL).toBe('`sudo apt-get install postgresql` (or ask your admin)');
    expect(fix.pgbackrest).toBe('`sudo apt-get install pgbackrest` (or ask your admin)');
    expect(fix['image 15']).toContain('as root, `sudo bash scripts/images/build.sh 15`');
    const denied = fixes(bare(platform, { ok: false, clientMissing: false, reason: 'permission denied while trying to connect to the Docker daemon socket' }));
    expect(denied.Docker).toBe('your user may not use the engine: `sudo usermod -aG docker $USER`, then log out and in (or ask your admin)');
    expect(fixes(bare(platform, { ok: false, clientMissing: true, reason: 'no docker client on PATH' })).Docker).toContain('`sudo apt-get install docker.io` (or ask your admin)');
    expect(fixes(bare(platform, { ok: false, clientMissing: false, reason: 'Cannot connect' })).Docker).toBe('`sudo systemctl start docker` (or ask your admin)');
  });

  it('macOS: Homebrew and Docker Desktop; nothing to build', () => {
    const platform = detectPlatform('darwin', undefined, 501);
    const fix = fixes(bare(platform));
    expect(fix.PostgreSQL).toBe('`brew install postgresql@17`, then `export PATH="$(brew --prefix postgresql@17)/bin:$PATH"` (or pass --pg-bin)');
    expect(fix.pgbackrest).toBe('`brew install pgbackrest`');
    expect(fix.shellcheck).toBe('`brew install shellcheck`');
    expect(fix['image 15']).toBe('`docker pull postgres:15` where a registry answers');
    expect(fix.Chromium).toMatch(/^not on macOS/);
    expect(fixes(bare(platform, { ok: false, clientMissing: true, reason: 'no docker client on PATH' })).Docker)
      .toBe('install Docker Desktop (`brew install --cask docker-desktop`) and start it');
    expect(fixes(bare(platform, { ok: false, clientMissing: false, reason: 'Cannot connect' })).Docker).toBe('start Docker Desktop (`open -a Docker`)');
  });
});
