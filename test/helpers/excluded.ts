import type { Runbook } from '../../src/harness/model.ts';

/**
 * Whether the page's own frontmatter rules out this major: its `postgres:` range, or an upgrade
 * pair (`old: { 17: 13, 18: 15 }`) that names no run for it. Written apart from planMatrix, so the
 * suites that run every page check the plan instead of repeating it.
 */
export function excludedByFrontmatter(runbook: Runbook, major: number): boolean {
  const { min, max } = runbook.settings.versions;
  const outside = (min !== undefined && major < min) || (max !== undefined && major > max);
  const unpaired = runbook.settings.servers.some((s) => s.byRun !== undefined && s.byRun[major] === undefined);
  return outside || unpaired;
}
