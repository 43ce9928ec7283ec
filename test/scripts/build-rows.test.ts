/**
 * scripts/images/build.sh reads versions.tsv as the harness does: a row with
 * no Debian suite (-) is skipped with a message, never an error, and an image
 * is never built from another major than its row's (sid moves on). Needs
 * neither root, Docker nor a mirror: --plan, and the sourced check_major.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectPaths } from '../../src/harness/files/project.ts';

const BUILD = join(projectPaths().scripts, 'images', 'build.sh');

describe('scripts/images/build.sh and versions.tsv', () => {
  it('builds the rows with a suite and skips, saying why, the rows without one', async () => {
    const result = await execa('bash', [BUILD, '--plan', '--no-pull'], { reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = result.stdout.split('\n').map((line) => line.split('\t').slice(0, 2).join(' '));
    expect(rows).toEqual(['13 build', '14 skip', '15 build', '16 skip', '17 build', '18 build']);
    // By default every row first tries the registry.
    const pulling = await execa('bash', [BUILD, '--plan'], { reject: false });
    expect(pulling.stdout.split('\n').map((line) => line.split('\t')[1])).toEqual(['pull, else build', 'pull, else skip', 'pull, else build', 'pull, else skip', 'pull, else build', 'pull, else build']);
    expect(pulling.stdout).toContain('16\tpull, else skip\tpostgres:16 + tools as proven-runbooks/postgres:16-official if a registry answers; else PostgreSQL 16: no Debian suite');
    expect(result.stdout).toContain('16\tskip\tPostgreSQL 16: no Debian suite here packages postgresql-16 (suite - in versions.tsv); skipped: it runs where `docker pull postgres:16` works, else verify reports "no server for 16 here"');
    expect(result.stdout).toContain('18\tbuild\tproven-runbooks/postgres:18-sid from Debian sid postgresql-18 (stands in for postgres:18)');
  });

  it('skips an asked-for row without a suite, and refuses a major the file does not name', async () => {
    expect((await execa('bash', [BUILD, '--plan', '14'], { reject: false })).stdout).toMatch(/^14\tpull, else skip\t/);
    // Only rows without a suite: nothing to build, so no root, debootstrap or engine is asked for (DOCKER points nowhere).
    const skipped = await execa('bash', [BUILD, '14', '16'], { reject: false, env: { DOCKER: '/nonexistent/docker' } });
    expect(skipped.exitCode, skipped.stderr).toBe(0);
    expect(skipped.stderr.split('\n').map((l) => l.replace(/ packages .*/, ''))).toEqual(['build: PostgreSQL 14: no Debian suite here', 'build: PostgreSQL 16: no Debian suite here']);
    const unknown = await execa('bash', [BUILD, '--plan', '19'], { reject: false });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('major 19 is not in');
  });

  /** A stand-in docker CLI: an engine that answers, has no images, and pulls as `pull` says. Records each `build`'s Dockerfile. */
  function fakeDocker(pull: string): { env: Record<string, string>; builds: () => string } {
    const dir = mkdtempSync(join(tmpdir(), 'rb-fake-docker-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'docker'), [
      '#!/bin/sh',
      'case "$1" in',
      '  version) echo 20.10.24 ;;',
      '  image) exit 1 ;;',
      `  pull) ${pull} ;;`,
      `  build) cat >> ${dir}/builds ;;`,
      '  *) exit 1 ;;',
      'esac',
    ].join('\n'));
    chmodSync(join(dir, 'docker'), 0o755);
    return { env: { PATH: `${dir}:/usr/bin:/bin` }, builds: () => { try { return readFileSync(join(dir, 'builds'), 'utf8'); } catch { return ''; } } };
  }

  it('takes the official image where a registry answers, adds the tools, and says so', async () => {
    const docker = fakeDocker('echo "docker.io/library/$2"');
    const result = await execa('bash', [BUILD, '--if-missing', '14', '16'], { reject: false, env: docker.env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain("build: PostgreSQL 14: pulled postgres:14; adding the runbooks' tools");
    expect(result.stdout).toMatch(/^proven-runbooks\/postgres:14-official +\d+s {2}pulled postgres:14 \+ tools\nproven-runbooks\/postgres:16-official +\d+s {2}pulled postgres:16 \+ tools$/);
    expect(docker.builds()).toContain('FROM postgres:14\nRUN apt-get update');
    // Each optional tool only where the official image's suite has it (moto is not in bookworm).
    expect(docker.builds()).toMatch(/for p in pgbackrest patroni .*python3-moto.*; do apt-cache show "\$p" > \/dev\/null 2>&1 && opt="\$opt \$p"; done/);
    expect(docker.builds()).toMatch(/apt-get install .* rsync \$opt/);
  });

  it('says why the registry failed, then goes the Debian way (here: a row with no suite is skipped)', async () => {
    const docker = fakeDocker("echo 'Error response from daemon: Get \"https://registry.example/v2/\": dial tcp: lookup registry.example: no such host' >&2; exit 1");
    const result = await execa('bash', [BUILD, '16'], { reject: false, env: docker.env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('build: PostgreSQL 16: `docker pull postgres:16` failed (no such host); building from Debian packages instead');
    expect(result.stderr).toContain('build: PostgreSQL 16: no Debian suite here packages postgresql-16');
    expect(result.stdout).toMatch(/postgres:16 +no registry, no Debian suite here \(skipped\)/);
    expect(docker.builds()).toBe('');
  });

  it('refuses a tree whose server is not exactly the row\'s major, naming the row', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rb-build-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const tree = (name: string, majors: number[]): string => {
      for (const major of majors) {
        mkdirSync(join(root, name, 'usr/lib/postgresql', String(major), 'bin'), { recursive: true });
        writeFileSync(join(root, name, 'usr/lib/postgresql', String(major), 'bin/postgres'), '');
      }
      mkdirSync(join(root, name), { recursive: true });
      return join(root, name);
    };
    const check = (dir: string) => execa('bash', ['-c', 'source "$1"; check_major "$2" 18 "18 sid"', '_', BUILD, dir], { reject: false });
    expect((await check(tree('ok', [18]))).exitCode).toBe(0);
    const moved = await check(tree('moved', [18, 19]));
    expect(moved.exitCode).toBe(1);
    expect(moved.stderr).toBe("build: error: row '18 sid' of versions.tsv: the image would hold PostgreSQL 18 19 instead of exactly PostgreSQL 18; fix the row");
    expect((await check(tree('gone', [19]))).stderr).toContain('would hold PostgreSQL 19 instead of exactly PostgreSQL 18');
    expect((await check(tree('empty', []))).stderr).toContain('would hold PostgreSQL (none) instead');
  });
});
