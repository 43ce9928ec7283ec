/**
 * The site's I/O: the report, the pages' text, the commit. Everything that
 * decides what a page may claim is pure and lives in proof/; this file only
 * reads files and runs git.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPORT_VERSION, type Report } from '../harness/report/format.ts';
import { HarnessError } from '../harness/errors.ts';
import type { PageSource } from './proof/check.ts';
import { pageProof, sha256, type PageProof } from './proof/page-proof.ts';
import { pageKey, type SiteSettings } from './settings.ts';

const reportCache = new Map<string, { stamp: string; report: Report | undefined }>();

/**
 * The verification report, or undefined when there is none. Cached by file
 * stamp: pages render in one process, and `astro dev` reads it again when the
 * file changes.
 */
export function readReport(reportPath: string): Report | undefined {
  if (!existsSync(reportPath)) return undefined;
  const stat = statSync(reportPath);
  const stamp = `${stat.mtimeMs}:${stat.size}`;
  const cached = reportCache.get(reportPath);
  if (cached?.stamp === stamp) return cached.report;
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  if (report.version !== REPORT_VERSION || !Array.isArray(report.runbooks)) {
    throw new HarnessError('ReportVersion', `${reportPath}: unexpected report version ${String(report.version)}, expected ${REPORT_VERSION}; run \`npm run verify\` again`);
  }
  reportCache.set(reportPath, { stamp, report });
  return report;
}

export function reportDigest(reportPath: string): string {
  return existsSync(reportPath) ? sha256(readFileSync(reportPath, 'utf8')) : 'none';
}

/**
 * sha256 of the site's own rendering code (src/site, and astro.config.mjs,
 * which holds Expressive Code's options). Astro caches rendered Markdown by
 * page text and config but not by plugin code; with this in the config, a
 * change to how blocks are rendered re-renders every page instead of serving
 * old HTML.
 */
export function siteCodeDigest(siteDir: string, configFile: string): string {
  const files = readdirSync(siteDir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.(ts|mjs|js)$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name))
    .concat(existsSync(configFile) ? [configFile] : [])
    .sort();
  return sha256(files.map((f) => `${f}\n${readFileSync(f, 'utf8')}`).join('\n'));
}

/** Every page of the docs collection (same pattern as src/content.config.ts), by harness name. */
export function readContentPages(contentDir: string): PageSource[] {
  if (!existsSync(contentDir)) return [];
  const files = readdirSync(contentDir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.mdx?$/.test(d.name) && !d.name.startsWith('_'))
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
  return files.map((file) => ({ file: pageKey(contentDir, file), source: readFileSync(file, 'utf8') }));
}

/** Short commit of the build, `-dirty` when the pages differ from it; RUNBOOKS_COMMIT wins. */
export function gitCommit(root: string, contentDir: string, env: Record<string, string | undefined>): string {
  if (env.RUNBOOKS_COMMIT) return env.RUNBOOKS_COMMIT;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  let commit: string;
  try {
    commit = git('rev-parse', '--short', 'HEAD');
  } catch {
    return 'unknown';
  }
  // A stand-in content directory outside the repository is not the commit's pages.
  if (path.relative(root, contentDir).startsWith('..')) return `${commit}+other-content`;
  try {
    return git('status', '--porcelain', '--', contentDir) === '' ? commit : `${commit}-dirty`;
  } catch {
    return commit;
  }
}

/**
 * The proof of one page as rendered now: its current text against the report.
 * @param filePath the entry's path relative to the project root (Astro's `entry.filePath`)
 * @returns undefined for a page that is not a file of the content directory
 *   (Starlight gives pages made with <StarlightPage> a made-up path)
 */
export function loadPageProof(settings: SiteSettings, filePath: string | undefined): PageProof | undefined {
  if (!filePath) return undefined;
  const absolute = path.resolve(settings.root, filePath);
  if (path.relative(settings.contentDir, absolute).startsWith('..') || !existsSync(absolute)) return undefined;
  return pageProof(readReport(settings.reportPath), pageKey(settings.contentDir, absolute), readFileSync(absolute, 'utf8'));
}
