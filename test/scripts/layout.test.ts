/**
 * scripts/ holds two kinds of files (scripts/README.md): the tools the pages
 * document, which a reader downloads and runs alone, and the project's own
 * machinery. These tests keep that list complete, each tool standalone, and
 * the helpers the tools copy into themselves identical. No server, no shell:
 * they read files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPaths } from '../../src/harness/files/project.ts';

const { scripts } = projectPaths();

/** Helpers copied into several tools: byte-identical in every tool that defines one (scripts/README.md). */
const SHARED_HELPERS = ['quote', 'log', 'die_usage', 'is_uint'];
/** Names several tools use for functions that differ on purpose (their own help, exit statuses, clean-up). */
const OWN_PER_TOOL = ['usage', 'die', 'cleanup', 'result', 'fail', 'first_error', 'say'];

interface Row { path: string; cells: string[] }

/** The `| \`path\` | … |` rows of one `## ` section of scripts/README.md. */
function rows(section: string): Row[] {
  const readme = readFileSync(join(scripts, 'README.md'), 'utf8');
  const body = readme.split(/^## /m).find((s) => s.startsWith(`${section}\n`)) ?? '';
  return body.split('\n').filter((line) => line.startsWith('| `')).map((line) => {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    return { path: cells[0]!.replace(/^`|`$/g, ''), cells };
  });
}

const codeNames = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

const tools = rows('Tools').map(({ path, cells }) => ({ path, roles: cells[1]!.split(/,\s*/), needs: codeNames(cells[2] ?? '') }));
const machinery = rows('Machinery').map(({ path }) => path);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [relative(scripts, path)];
  }).sort();
}

function isShell(path: string): boolean {
  return path.endsWith('.sh') || /^#!.*\b(ba)?sh\b/.test(readFileSync(join(scripts, path), 'utf8').slice(0, 64));
}

/** `name() { … }` definitions: one-liners, or up to the first `}` alone at the start of a line. */
function functions(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of text.matchAll(/^([a-z_]+)\(\) *\{(?:[^\n]*\}[ \t]*$|[\s\S]*?\n\}$)/gm)) found.set(m[1]!, m[0]);
  return found;
}

const shellTools = tools.map((t) => t.path).filter(isShell);

describe('scripts/README.md', () => {
  it('lists every file under scripts/ once, as a tool or as machinery', () => {
    const listed = [...tools.map((t) => t.path), ...machinery];
    const unlisted = files(scripts).filter((f) => f !== 'README.md' && !listed.some((l) => (l.endsWith('/') ? f.startsWith(l) : f === l)));
    expect(unlisted).toEqual([]);
    expect(listed.filter((l, i) => listed.indexOf(l) !== i)).toEqual([]);
    const missing = listed.filter((l) => { try { statSync(join(scripts, l)); return false; } catch { return true; } });
    expect(missing).toEqual([]);
  });

  it('gives each tool the roles steps have', () => {
    expect(tools.filter((t) => !t.roles.every((r) => ['operator', 'drill', 'proof'].includes(r)))).toEqual([]);
  });
});

describe('the tools the pages document', () => {
  it('source no shared library: each is one downloadable file', () => {
    // A `source FILE` or `. FILE` command: a word and nothing after it but the end of the command.
    const sourcing = shellTools.filter((path) => /^\s*(?:source|\.)\s+\S+\s*(?:$|[;&|#])/m.test(readFileSync(join(scripts, path), 'utf8')));
    expect(sourcing).toEqual([]);
  });

  it('run only the siblings listed under Needs, and those are tools too', () => {
    const needed = Object.fromEntries(shellTools.map((path) => {
      const text = readFileSync(join(scripts, path), 'utf8');
      const siblings = [...text.matchAll(/\$\{?(?:here|HERE)\}?\/([\w.-]+(?:\/[\w.-]+)*)/g)].map((m) => normalize(join(dirname(path), m[1]!)));
      return [path, [...new Set(siblings)].sort()];
    }));
    expect(needed).toEqual(Object.fromEntries(shellTools.map((path) => [path, [...tools.find((t) => t.path === path)!.needs].sort()])));
    const toolPaths = new Set(tools.map((t) => t.path));
    expect(tools.flatMap((t) => t.needs).filter((n) => !toolPaths.has(n))).toEqual([]);
  });

  it('keep their copies of the shared helpers identical', () => {
    const copies = new Map<string, Map<string, string[]>>();
    for (const path of shellTools) {
      for (const [name, body] of functions(readFileSync(join(scripts, path), 'utf8'))) {
        const byBody = copies.get(name) ?? new Map<string, string[]>();
        byBody.set(body, [...(byBody.get(body) ?? []), path]);
        copies.set(name, byBody);
      }
    }
    const variants = Object.fromEntries(SHARED_HELPERS.map((name) => [name, [...(copies.get(name)?.values() ?? [])]]));
    // One variant each, found in at least two tools (else the name is stale here).
    for (const [name, groups] of Object.entries(variants)) {
      expect(groups, `${name}: copies differ between ${groups.map((g) => g.join(', ')).join(' / ')}`).toHaveLength(1);
      expect(groups[0]!.length, `${name} is defined by one tool only`).toBeGreaterThan(1);
    }
    // A helper newly copied into a second tool is named here: shared (kept identical) or each tool's own.
    const repeated = [...copies].filter(([, byBody]) => [...byBody.values()].flat().length > 1).map(([name]) => name);
    expect(repeated.filter((n) => !SHARED_HELPERS.includes(n) && !OWN_PER_TOOL.includes(n))).toEqual([]);
  });
});
