import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Diagnostic, ParseResult } from '../model.ts';
import { diagnostic, HarnessError } from '../errors.ts';
import { parseRunbook } from '../parse/index.ts';

const MARKDOWN = /\.mdx?$/;
const MAX_BYTES = 2 * 1024 * 1024;

/** Markdown files under the given paths, sorted, skipping `_partials` as the site does. */
export function markdownFiles(paths: string[], cwd: string): string[] {
  const files: string[] = [];
  const walk = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry.startsWith('.') || entry === 'node_modules') continue;
        walk(join(path, entry));
      }
    } else if (MARKDOWN.test(path) && !path.split('/').pop()!.startsWith('_')) {
      files.push(path);
    }
  };
  for (const path of paths) {
    // resolve, not join: an absolute path stays itself.
    const full = resolve(cwd, path);
    try {
      statSync(full);
    } catch {
      throw new HarnessError('NoRunbooks', `${path}: no such file or directory (paths are taken from ${cwd})`);
    }
    walk(full);
  }
  return files.map((f) => relative(cwd, f)).sort();
}

/** Reads and parses one file; binary, oversized or non-UTF-8 files become diagnostics. */
export function loadRunbook(file: string, cwd: string): ParseResult {
  const bytes = readFileSync(join(cwd, file));
  const top = { file, line: 1, column: 1 };
  const refuse = (message: string): ParseResult => ({ runbook: undefined, diagnostics: [diagnostic('UnreadableFile', message, top)] });
  if (bytes.length > MAX_BYTES) return refuse(`Unexpected ${bytes.length}-byte file, expected a runbook under ${MAX_BYTES / 1024 / 1024} MiB`);
  if (bytes.includes(0)) return refuse('Unexpected binary file (it contains NUL bytes), expected Markdown text');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse('Unexpected bytes that are not UTF-8, expected a UTF-8 text file');
  }
  if (!text.trim()) return refuse('Unexpected empty file, expected frontmatter with a title');
  return parseRunbook(text.replace(/^\uFEFF/, ''), file);
}

export function loadAll(paths: string[], cwd: string): { results: ParseResult[]; diagnostics: Diagnostic[] } {
  const results = markdownFiles(paths, cwd).map((file) => loadRunbook(file, cwd));
  return { results, diagnostics: results.flatMap((r) => r.diagnostics) };
}
