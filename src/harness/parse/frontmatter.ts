import { parseDocument, isMap, type YAMLMap } from 'yaml';
import type { Diagnostic, Position, RunbookSettings } from '../model.ts';
import { diagnostic, didYouMean } from '../errors.ts';
import { parseDuration, parseSizeMiB, parseVersionRange } from './values.ts';

export const DEFAULT_TIMEOUT_MS = 60_000;
const RUNBOOK_KEYS = ['timeout', 'postgres', 'servers', 'small-disk', 'unproven-restore', 'sandbox'];

export interface Frontmatter {
  title?: string;
  description?: string;
  settings: RunbookSettings;
}

/**
 * Reads the YAML frontmatter. `firstLine` is the file line of the first YAML
 * line (the one after `---`), so YAML positions map back to the Markdown file.
 */
export function readFrontmatter(yamlText: string | undefined, file: string, firstLine: number): { frontmatter: Frontmatter; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const frontmatter: Frontmatter = { settings: { timeoutMs: DEFAULT_TIMEOUT_MS, versions: {}, servers: [] } };
  const top: Position = { file, line: 1, column: 1 };
  if (yamlText === undefined) {
    diagnostics.push(diagnostic('FrontmatterShape', 'Unexpected page without frontmatter, expected `---` / `title: …` / `---` at the top', top));
    return { frontmatter, diagnostics };
  }
  const doc = parseDocument(yamlText, { prettyErrors: false });
  const toPos = (offset: number | undefined): Position => {
    if (offset === undefined) return { file, line: firstLine, column: 1 };
    const before = yamlText.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    return { file, line: firstLine + line - 1, column };
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      diagnostics.push(diagnostic('FrontmatterSyntax', `Unexpected YAML: ${message}`, toPos(error.pos[0])));
    }
    return { frontmatter, diagnostics };
  }
  const root = doc.contents;
  if (!isMap(root)) {
    diagnostics.push(diagnostic('FrontmatterShape', 'Unexpected frontmatter that is not a mapping, expected `key: value` lines', { file, line: firstLine, column: 1 }));
    return { frontmatter, diagnostics };
  }
  const title = doc.get('title');
  if (typeof title !== 'string' || !title.trim()) {
    diagnostics.push(diagnostic('FrontmatterShape', 'Unexpected frontmatter without a `title`, expected `title: <text>`', { file, line: firstLine, column: 1 }));
  } else {
    frontmatter.title = title;
  }
  const description = doc.get('description');
  if (typeof description === 'string') frontmatter.description = description;

  const runbook = doc.get('runbook', true);
  if (runbook === undefined) return { frontmatter, diagnostics };
  if (!isMap(runbook)) {
    diagnostics.push(diagnostic('FrontmatterShape', 'Unexpected `runbook:` value, expected a mapping of settings', toPos((runbook as { range?: number[] })?.range?.[0])));
    return { frontmatter, diagnostics };
  }
  for (const pair of runbook.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    const keyPos = toPos((pair.key as { range?: number[] })?.range?.[0]);
    const valuePos = toPos((pair.value as { range?: number[] })?.range?.[0]);
    if (!RUNBOOK_KEYS.includes(key)) {
      const guess = didYouMean(key, RUNBOOK_KEYS);
      diagnostics.push(diagnostic('FrontmatterUnknownKey', `Unknown runbook setting \`${key}\`${guess ? `, did you mean \`${guess}\`?` : ''}`, keyPos));
      continue;
    }
    if (key === 'servers') {
      readServers(pair.value, valuePos, toPos, frontmatter, diagnostics);
      continue;
    }
    const raw = String((pair.value as { value?: unknown })?.value ?? '');
    if (key === 'unproven-restore') {
      if (typeof (pair.value as { value?: unknown })?.value === 'string' && raw.trim()) frontmatter.settings.unprovenRestore = raw;
      else diagnostics.push(diagnostic('BadValue', 'Unexpected runbook.unproven-restore without a reason, expected `unproven-restore: "<why the page does not compare the restored data>"`', pair.value ? valuePos : keyPos));
      continue;
    }
    if (key === 'sandbox') {
      if (raw === 'containers') frontmatter.settings.ownMachines = true;
      else diagnostics.push(diagnostic('BadValue', `Unexpected runbook.sandbox ${JSON.stringify(raw)}, expected \`containers\` (each server on a machine of its own)`, valuePos));
      continue;
    }
    if (key === 'small-disk') {
      const parsed = parseSizeMiB(raw);
      if (parsed.ok) frontmatter.settings.smallDiskMiB = parsed.value;
      else diagnostics.push(diagnostic('BadValue', `Unexpected runbook.small-disk ${JSON.stringify(raw)}, expected ${parsed.expected}`, valuePos));
      continue;
    }
    if (key === 'postgres') {
      const parsed = parseVersionRange(raw);
      if (parsed.ok) frontmatter.settings.versions = parsed.value;
      else diagnostics.push(diagnostic('BadValue', `Unexpected runbook.postgres ${JSON.stringify(raw)}, expected ${parsed.expected}`, valuePos));
      continue;
    }
    const parsed = parseDuration(raw);
    if (parsed.ok) frontmatter.settings.timeoutMs = parsed.value;
    else diagnostics.push(diagnostic('BadValue', `Unexpected runbook.timeout ${JSON.stringify(raw)}, expected ${parsed.expected}`, valuePos));
  }
  return { frontmatter, diagnostics };
}

type Positioner = (offset: number | undefined) => Position;

/**
 * `old: { 17: 13, 18: 15 }`: the server's major for each major of the run (upgrade pairs). Every key and
 * value a major version; the run's majors without a key are "n/a" (plan/matrix.ts).
 */
function readServerPairs(name: string, node: YAMLMap, toPos: Positioner, frontmatter: Frontmatter, diagnostics: Diagnostic[]): void {
  const byRun: Record<number, number> = {};
  for (const pair of node.items) {
    const run = Number((pair.key as { value?: unknown })?.value);
    const major = Number((pair.value as { value?: unknown })?.value);
    if (!Number.isInteger(run) || run < 9 || !Number.isInteger(major) || major < 9) {
      const pos = toPos((pair.key as { range?: number[] })?.range?.[0]);
      diagnostics.push(diagnostic('BadValue', `Unexpected pair in server \`${name}\`, expected the run's major and this server's, such as \`${name}: { 17: 13, 18: 15 }\``, pos));
      return;
    }
    byRun[run] = major;
  }
  if (Object.keys(byRun).length === 0) {
    diagnostics.push(diagnostic('BadValue', `Server \`${name}\` names no pair, expected such as \`${name}: { 17: 13, 18: 15 }\``, toPos(node.range?.[0])));
    return;
  }
  frontmatter.settings.servers.push({ name, byRun });
}

/**
 * `servers: { old: 13, standby: same }`: names are ids (they become OLD_PGHOST), values major
 * versions, or `same` for the version of the run (a standby, a second node of a cluster).
 */
function readServers(node: unknown, at: Position, toPos: Positioner, frontmatter: Frontmatter, diagnostics: Diagnostic[]): void {
  if (!isMap(node)) {
    diagnostics.push(diagnostic('BadValue', 'Unexpected runbook.servers value, expected a mapping such as `old: 13`', at));
    return;
  }
  for (const pair of node.items) {
    const name = String((pair.key as { value?: unknown })?.value ?? '');
    const value = (pair.value as { value?: unknown })?.value;
    const same = value === 'same';
    const major = Number(value);
    const pos = toPos((pair.key as { range?: number[] })?.range?.[0]);
    if (!/^[a-z][a-z0-9_]*$/.test(name) || name === 'primary') {
      diagnostics.push(diagnostic('BadValue', `Unexpected server name ${JSON.stringify(name)}, expected lower-case letters, digits and _ (not \`primary\`)`, pos));
    } else if (isMap(pair.value)) {
      readServerPairs(name, pair.value, toPos, frontmatter, diagnostics);
    } else if (same) {
      frontmatter.settings.servers.push({ name });
    } else if (!Number.isInteger(major) || major < 9) {
      diagnostics.push(diagnostic('BadValue', `Unexpected version for server \`${name}\`, expected a PostgreSQL major version such as 13, or \`same\` for the run's own version`, pos));
    } else {
      frontmatter.settings.servers.push({ name, major });
    }
  }
}
