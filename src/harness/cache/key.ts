import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** sha256 over every file under `dir` (paths and contents, in a stable order). */
export function hashTree(dir: string, filter: (path: string) => boolean = () => true): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    for (const entry of readdirSync(path).sort()) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (filter(full)) hash.update(relative(dir, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

export interface CacheKeyParts {
  /** The runbook's Markdown, by hash. */
  sourceHash: string;
  major: number;
  /** What runs the server: an image id, or a binary directory and version. */
  server: string;
  /** scripts/ (the tools and fixtures runbooks call), by hash. */
  scripts: string;
  /** src/harness/ (how steps are run and judged), by hash. */
  harness: string;
}

/** Everything that can change a result goes into the key; nothing else does. */
export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256').update(JSON.stringify([parts.sourceHash, parts.major, parts.server, parts.scripts, parts.harness])).digest('hex');
}
