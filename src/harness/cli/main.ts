import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { HarnessError } from '../errors.ts';
import { DEFAULT_REPORT_PATH } from '../report/format.ts';
import type { Io } from './io.ts';
import { verifyCommand } from './verify.ts';
import { listCommand } from './list.ts';
import { doctorCommand } from './doctor.ts';
import { mergeCommand } from './merge.ts';
import { parseShard } from '../plan/shard.ts';

export const USAGE = `Usage: runbooks <command> [options] [paths…]

Commands:
  verify [paths…]   run every runbook (default: content/) in a throwaway PostgreSQL and prove its steps
  list [paths…]     print the runbooks and steps found, without running anything
  merge REPORT…     combine shard reports into one (--report FILE, default ${DEFAULT_REPORT_PATH}; --junit FILE)
  doctor            say what this machine has and lacks (PostgreSQL, Docker)

Options for verify:
  --report FILE     where to write the JSON report (default: ${DEFAULT_REPORT_PATH})
  --junit FILE      also write the results as JUnit XML (one suite per runbook × version, one case per step)
  --sandbox KIND    auto (default): docker when an engine answers and has PostgreSQL images, else local;
                    docker: a new container per runbook (Testcontainers), steps run inside through exec;
                    local: a new cluster per runbook from PostgreSQL binaries on this machine
  --pg LIST         major versions to verify on, e.g. 13,15,17,18 (default: every version in
                    scripts/images/versions.tsv with docker, or the local binaries' version); each runbook runs
                    once per version its frontmatter allows; a version with no server here is reported, not run
  -j, --jobs N      runs at once, each in its own sandbox (default: the number of cores)
  --shard I/N       run only shard I of N (runbook × version pairs split evenly by recorded duration)
  --durations FILE  a previous report whose run durations balance the shards (default: --report's file)
  --force           run everything, also what the cache says passed with unchanged inputs
  --cache DIR       where passed results are kept (default: .runbooks-cache/)
  --keep-backups DIR  copy each run's $BACKUP_DIR out to DIR/<runbook>/pg<N>/ before the sandbox is removed
  --pg-bin DIR      local PostgreSQL binaries to use (default: PATH, pg_config, /usr/lib/postgresql/N/bin)
  -h, --help        this text

Exit status: 0 nothing failed (versions with no server here are reported, not failed), 1 a runbook failed
or no version asked for has a server here, 2 bad input or usage, 130 interrupted.
Errors carry a code (RBnnn); content/reference/harness-errors.md explains each one.`;

export async function main(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        report: { type: 'string' }, junit: { type: 'string' }, sandbox: { type: 'string' }, 'keep-backups': { type: 'string' }, jobs: { type: 'string', short: 'j' },
        force: { type: 'boolean' }, shard: { type: 'string' }, cache: { type: 'string' }, durations: { type: 'string' }, 'pg-bin': { type: 'string' }, pg: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr(`runbooks: ${(error as Error).message} [RB300]\n\n${USAGE}\n`);
    return 2;
  }
  const [command, ...paths] = parsed.positionals;
  if (parsed.values.help || !command) {
    (command ? io.stdout : io.stderr)(`${USAGE}\n`);
    return parsed.values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'verify': {
        const majors = parsed.values.pg?.split(',').map((v) => Number(v.trim()));
        if (majors && !majors.every((m) => Number.isInteger(m) && m >= 9)) {
          throw new HarnessError('Usage', `--pg takes major versions separated by commas (13,17), not ${JSON.stringify(parsed.values.pg)}`);
        }
        const jobs = parsed.values.jobs !== undefined ? Number(parsed.values.jobs) : availableParallelism();
        if (!Number.isInteger(jobs) || jobs < 1) throw new HarnessError('Usage', `--jobs takes a whole number ≥ 1, not ${JSON.stringify(parsed.values.jobs)}`);
        const shard = parsed.values.shard !== undefined ? parseShard(parsed.values.shard) : undefined;
        if (parsed.values.shard !== undefined && !shard) throw new HarnessError('Usage', `--shard takes i/n with 1 ≤ i ≤ n (2/3), not ${JSON.stringify(parsed.values.shard)}`);
        const sandbox = parsed.values.sandbox ?? 'auto';
        if (sandbox !== 'auto' && sandbox !== 'docker' && sandbox !== 'local') {
          throw new HarnessError('Usage', `--sandbox takes auto, docker or local, not ${JSON.stringify(sandbox)}`);
        }
        return await verifyCommand(paths, {
          reportPath: resolve(io.cwd, parsed.values.report ?? DEFAULT_REPORT_PATH), sandbox, jobs,
          force: parsed.values.force ?? false,
          ...(parsed.values.junit ? { junitPath: resolve(io.cwd, parsed.values.junit) } : {}),
          ...(parsed.values.cache ? { cacheDir: resolve(io.cwd, parsed.values.cache) } : {}),
          ...(shard ? { shard } : {}),
          ...(parsed.values.durations ? { durationsFrom: resolve(io.cwd, parsed.values.durations) } : {}),
          ...(parsed.values['pg-bin'] ? { binDir: resolve(io.cwd, parsed.values['pg-bin']) } : {}),
          ...(majors ? { majors } : {}),
          ...(parsed.values['keep-backups'] ? { keepBackups: resolve(io.cwd, parsed.values['keep-backups']) } : {}),
        }, io);
      }
      case 'list':
        return listCommand(paths, io);
      case 'merge':
        return mergeCommand(paths, resolve(io.cwd, parsed.values.report ?? DEFAULT_REPORT_PATH), io, parsed.values.junit ? resolve(io.cwd, parsed.values.junit) : undefined);
      case 'doctor':
        return await doctorCommand(io);
      default:
        throw new HarnessError('Usage', `Unknown command ${JSON.stringify(command)}; the commands are verify, list, merge and doctor`);
    }
  } catch (error) {
    if (error instanceof HarnessError) {
      io.stderr(`runbooks: ${error.message} [${error.code}]\n  hint: ${error.hint}\n`);
      return error.code === 'RB300' ? 2 : 1;
    }
    throw error;
  }
}
