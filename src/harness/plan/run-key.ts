/**
 * One run of the matrix as text, `content/backup/x.md@17`: how runs are told
 * apart in the console, the cache's reuse list, shard balancing and merges.
 */
export function runKey(file: string, major: number): string {
  return `${file}@${major}`;
}
