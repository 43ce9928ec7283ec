/**
 * The project's documented tools (scripts/README.md, "Tools"), offered as
 * downloads at /tools/<path> and linked from the first step of a page that
 * calls each one. The README is the one list (test/scripts/layout.test.ts
 * keeps it true), so the site serves exactly what it documents as a tool and
 * never the machinery.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Tool {
  /** Path under scripts/, e.g. `pg-fingerprint`, `k8s/check-cronjob`. */
  path: string;
  /** The name a page calls it by (what is on PATH in a sandbox). */
  name: string;
  role: string;
  what: string;
}

/** The rows of the README's "## Tools" table. Pure. */
export function documentedTools(readme: string): Tool[] {
  const section = /^## Tools\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const tools: Tool[] = [];
  for (const line of section.split('\n')) {
    const cells = /^\|(.*)\|\s*$/.exec(line)?.[1]?.split('|').map((c) => c.trim());
    const file = cells ? /^`([^`]+)`$/.exec(cells[0] ?? '')?.[1] : undefined;
    if (!cells || !file) continue;
    tools.push({ path: file, name: path.posix.basename(file), role: cells[1] ?? '', what: cells[3] ?? '' });
  }
  return tools;
}

/**
 * The tools a step calls, in the order of their first call. A name counts as
 * a command word: at the start of a line or after a shell separator, so
 * `pg-fingerprint-diff` is not `pg-fingerprint`, and a path
 * (`backups/pg-fingerprint.txt`) is not a call; a quoted command counts
 * (`archive_command = 'archive-wal %p …'` is the server calling it).
 */
export function toolsIn(code: string, tools: Tool[]): Tool[] {
  const found: { tool: Tool; at: number }[] = [];
  for (const tool of tools) {
    const name = tool.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const call = new RegExp(`(?:^|[;&|({!\`'"]|\\$\\(|\\b(?:if|while|until|then|do|else|time|exec|sudo|xargs|env)\\s)\\s*(?:[A-Z_][A-Z0-9_]*=\\S*\\s+)*${name}(?=$|[\\s;&|)'"])`, 'm');
    const match = call.exec(code);
    if (match) found.push({ tool, at: match.index });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.tool);
}

export const toolHref = (tool: Tool): string => `/tools/${tool.path}`;

const read = new Map<string, Tool[]>();

/** The documented tools of the project at `root` (read once per build: every page asks). */
export function readTools(root: string): Tool[] {
  let tools = read.get(root);
  if (!tools) read.set(root, tools = documentedTools(readFileSync(path.join(root, 'scripts', 'README.md'), 'utf8')));
  return tools;
}
