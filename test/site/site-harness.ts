/**
 * Real things for the site's browser tests: a fresh verification report from
 * the CLI, an Astro build from it, `astro preview` on a free port, and
 * headless Chromium. No mocks: every fixture here is the real program.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { chromium, type Browser } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const CLI = path.join(ROOT, 'scripts', 'runbooks.mjs');
// Astro's own entry point run by this (Node 24) process, never the system Node.
const ASTRO = path.join(ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');

export interface Verified {
  reportPath: string;
  sandbox: string;
  exitCode: number;
  log: string;
}

/**
 * Verifies every runbook under content/ into a private report: in containers
 * when an engine with images answers, else in the local sandbox. Containers
 * run the newest PostgreSQL only by default, to keep this file near three
 * minutes (every page × version is a fresh server); RUNBOOKS_SITE_TEST_PG=13,15,17,18
 * runs the whole matrix.
 */
export async function verifyAll(dir: string, majors = process.env.RUNBOOKS_SITE_TEST_PG ?? '18'): Promise<Verified> {
  const reportPath = path.join(dir, 'report.json');
  const run = (args: string[]) => execa(process.execPath, [CLI, 'verify', '--report', reportPath, ...args], { cwd: ROOT, reject: false, all: true });
  let result = await run(['--sandbox', 'auto', '--pg', majors]);
  let sandbox = 'auto';
  // 2 = bad input, e.g. no local binaries for one of those versions: use what the machine has.
  if (result.exitCode === 2 || !existsSync(reportPath)) {
    result = await run(['--sandbox', 'local']);
    sandbox = 'local';
  }
  if (!existsSync(reportPath)) throw new Error(`verify wrote no report (exit ${result.exitCode}):\n${result.all}`);
  return { reportPath, sandbox, exitCode: result.exitCode ?? -1, log: String(result.all) };
}

/**
 * The environment for Astro child processes: ours, without what Vitest puts
 * in process.env for its own Vite (NODE_ENV=test, MODE, DEV=1, PROD, SSR,
 * BASE_URL). Astro reads import.meta.env from process.env during the build,
 * so inheriting them makes a production build render as development (search
 * then says it only works in production builds).
 */
function astroEnv(extra: Record<string, string>): Record<string, string> {
  const leaked = /^(NODE_ENV|MODE|DEV|PROD|SSR|BASE_URL|TEST|VITEST.*)$/;
  const base = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !leaked.test(e[0])));
  return { ...base, ASTRO_TELEMETRY_DISABLED: '1', ...extra };
}

export interface BuildResult {
  exitCode: number;
  output: string;
  ms: number;
}

/** `astro build` into outDir, with the given RUNBOOKS_* settings and a private cache. */
export async function buildSite(outDir: string, env: Record<string, string>): Promise<BuildResult> {
  const started = performance.now();
  const result = await execa(process.execPath, [ASTRO, 'build', '--outDir', outDir], {
    cwd: ROOT, reject: false, all: true, extendEnv: false, env: astroEnv({ RUNBOOKS_DRAFT: '', ...env }),
  });
  return { exitCode: result.exitCode ?? -1, output: String(result.all), ms: performance.now() - started };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Preview {
  origin: string;
  stop: () => Promise<void>;
}

/**
 * `astro preview` of outDir on a free port. `--ignore-lock`: another preview
 * (someone's `npm run preview`) may be running from this tree; ours must
 * neither refuse to start nor replace it.
 */
export async function preview(outDir: string): Promise<Preview> {
  const port = await freePort();
  const child: ResultPromise = execa(process.execPath, [ASTRO, 'preview', '--ignore-lock', '--outDir', outDir, '--port', String(port), '--host', '127.0.0.1'], {
    cwd: ROOT, reject: false, all: true, extendEnv: false, env: astroEnv({}),
  });
  let exited = false;
  void child.finally(() => { exited = true; });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${origin}/`)).ok) break;
    } catch { /* not listening yet */ }
    if (exited || Date.now() > deadline) {
      child.kill();
      throw new Error(`astro preview did not start on ${origin}:\n${String((await child).all)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    origin,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

/**
 * Chromium for the site tests, fetching the site through the Playwright driver
 * rather than its own sockets. Chromium drops every open connection with
 * net::ERR_NETWORK_CHANGED when a network interface appears or goes, even on
 * loopback, and the matrix tests running beside this file create and remove
 * Docker networks (veth pairs) all the time. Node's HTTP client in the driver
 * does not care, so each request to the preview server is made there and
 * handed to the page unchanged: status, headers, body and redirects (not
 * followed here, so the page's URL is the one the server chose).
 */
export async function launchBrowser(origin: string): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.route((url) => url.origin === origin, async (route) => {
      let response;
      try {
        response = await route.fetch({ maxRedirects: 0 });
      } catch {
        // A page closed with requests in flight disposes of their context; any other failure reaches the
        // page as a failed load (a console error the tests see), never as a rejection nobody awaits.
        await route.abort('failed').catch(() => undefined);
        return;
      }
      await route.fulfill({ response }).catch(() => undefined);
    });
    return context;
  };
  // newPage makes a context of its own that would bypass the route above.
  browser.newPage = async (options) => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    page.on('close', () => { void context.close(); });
    return page;
  };
  return browser;
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}
