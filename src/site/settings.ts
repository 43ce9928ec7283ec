/**
 * Where the site reads its pages and its proof from, and whether this build is
 * a draft. Pure: the environment and Astro's command come in as arguments.
 *
 *   RUNBOOKS_REPORT   the verification report (default reports/verification.json)
 *   RUNBOOKS_CONTENT  a directory standing in for content/ (tests build altered copies)
 *   RUNBOOKS_DRAFT    1: show pages whose proof does not hold as "not verified"
 *                     instead of failing the build; 0: fail even in `astro dev`.
 *                     Default: draft for `astro dev`, strict for `astro build`.
 *   RUNBOOKS_COMMIT   the commit to print (default: `git rev-parse --short HEAD`)
 */
import path from 'node:path';
import { DEFAULT_REPORT_PATH } from '../harness/report/format.ts';

export interface SiteSettings {
  root: string;
  contentDir: string;
  reportPath: string;
  draft: boolean;
  commit: string;
  /** sha256 of the report file ('none' without one): rendered pages are cached by it. */
  reportDigest: string;
  /** sha256 of src/site's code: likewise, so a rendering change re-renders cached pages. */
  codeDigest: string;
}

type Env = Record<string, string | undefined>;

export function contentDirFrom(env: Env, root: string): string {
  return path.resolve(root, env.RUNBOOKS_CONTENT || 'content');
}

export function reportPathFrom(env: Env, root: string): string {
  return path.resolve(root, env.RUNBOOKS_REPORT || DEFAULT_REPORT_PATH);
}

/** `astro dev` previews drafts by default; a build is strict unless asked. */
export function draftFrom(env: Env, command: string): boolean {
  const flag = (env.RUNBOOKS_DRAFT ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(flag)) return true;
  if (['0', 'false', 'no'].includes(flag)) return false;
  return command === 'dev';
}

/**
 * A page as the harness names it in the report (`content/backup/x.md`),
 * whatever directory stands in for content/.
 */
export function pageKey(contentDir: string, absoluteFile: string): string {
  return `content/${path.relative(contentDir, absoluteFile).split(path.sep).join('/')}`;
}

/** A path for messages: relative to the project when inside it. */
export function displayPath(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') ? file : rel;
}
