import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPaths } from './project.ts';

/** A Node.js version as `major.minor`. */
export interface NodeVersion {
  major: number;
  minor: number;
}

/**
 * The oldest Node.js the project runs on: `engines.node` in package.json
 * (`>=major.minor.patch`), the one place it is stated; `scripts/check-node.mjs` reads
 * the same field before any npm script.
 */
export function requiredNode(): NodeVersion {
  const pkg = JSON.parse(readFileSync(join(projectPaths().root, 'package.json'), 'utf8')) as { engines: { node: string } };
  const [, major = '0', minor = '0'] = /(\d+)\.(\d+)/.exec(pkg.engines.node) ?? [];
  return { major: Number(major), minor: Number(minor) };
}

/** Whether `version` (`22.9.1`, `v24.9.0`) is at least `required`. Pure. */
export function meetsNode(version: string, required: NodeVersion): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > required.major || (major === required.major && minor >= required.minor);
}
