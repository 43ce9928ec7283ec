import { parseDocument, isMap } from 'yaml';
import type { Diagnostic, Position, RunbookSettings } from '../model.ts';
import { diagnostic, didYouMean } from '../errors.ts';
import { parseDuration } from './values.ts';

export const DEFAULT_TIMEOUT_MS = 60_000;
const RUNBOOK_KEYS = ['timeout'];

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
  const frontmatter: Frontmatter = { settings: { timeoutMs: DEFAULT_TIMEOUT_MS } };
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
    const raw = String((pair.value as { value?: unknown })?.value ?? '');
    const parsed = parseDuration(raw);
    if (parsed.ok) frontmatter.settings.timeoutMs = parsed.value;
    else diagnostics.push(diagnostic('BadValue', `Unexpected runbook.timeout ${JSON.stringify(raw)}, expected ${parsed.expected}`, valuePos));
  }
  return { frontmatter, diagnostics };
}
