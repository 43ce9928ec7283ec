import { createHash } from 'node:crypto';

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

/**
 * Everything that can change a result goes into the key; nothing else does.
 * Pure: the same parts give the same hex key on every machine.
 */
export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256').update(JSON.stringify([parts.sourceHash, parts.major, parts.server, parts.scripts, parts.harness])).digest('hex');
}
