import { createHash } from 'node:crypto';
import type { Code, Yaml } from 'mdast';
import type { Diagnostic, ParseResult, Position, Runbook, Step, UnverifiedBlock } from '../model.ts';
import { diagnostic } from '../errors.ts';
import { readBlock, type RawBlock } from './block.ts';
import { STEP_LANGS } from './meta.ts';
import { codeNodes, parseMarkdown } from './markdown.ts';
import { readFrontmatter } from './frontmatter.ts';
import { findUnterminatedFence } from './fences.ts';
import { checkRestoresProven } from './proven.ts';

/**
 * Markdown text → Runbook. Pure: no file I/O, never throws for bad input;
 * every problem comes back as a diagnostic with a position and a hint.
 */
export function parseRunbook(text: string, file: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const tree = parseMarkdown(text);
  const lines = text.split(/\r?\n/);

  const yaml = tree.children.find((n): n is Yaml => n.type === 'yaml');
  const { frontmatter, diagnostics: fmDiagnostics } = readFrontmatter(yaml?.value, file, 2);
  diagnostics.push(...fmDiagnostics);
  const settings = frontmatter.settings;

  const steps: Step[] = [];
  const unverified: UnverifiedBlock[] = [];
  const byId = new Map<string, Step>();
  let previous: Step | undefined;

  for (const node of codeNodes(tree)) {
    const position: Position = { file, line: node.position!.start.line, column: node.position!.start.column,
      endLine: node.position!.end.line, endColumn: node.position!.end.column };
    const unterminated = findUnterminatedFence(text, node.position!.start.offset!, node.position!.end.offset!);
    if (unterminated) {
      diagnostics.push(diagnostic('UnterminatedFence', `Unexpected end of file inside the code block opened here, expected a closing ${unterminated}`, position));
    }
    const raw: RawBlock = { lang: node.lang ?? '', meta: node.meta ?? '', code: node.value, position,
      metaPosition: metaPosition(lines, node, file) };
    const { block, diagnostics: blockDiagnostics } = readBlock(raw);
    diagnostics.push(...blockDiagnostics);

    if (block.kind === 'step') {
      const index = steps.length + 1;
      const step: Step = {
        id: block.id ?? `step-${index}`, explicitId: block.id !== undefined, index, position,
        language: STEP_LANGS[raw.lang] ?? 'bash', lang: raw.lang, code: raw.code, meta: raw.meta,
        ...(block.title !== undefined ? { title: block.title } : {}),
        hidden: block.hidden, role: block.role, ...(block.sandboxOnly !== undefined ? { sandboxOnly: block.sandboxOnly } : {}),
        ...(block.on !== undefined ? { on: block.on } : {}), ...(block.as !== undefined ? { as: block.as } : {}),
        ...(block.server !== undefined ? { server: block.server } : {}),
        exit: block.exit, timeoutMs: block.timeoutMs ?? settings.timeoutMs,
        ...(block.database !== undefined ? { database: block.database } : {}),
        expectations: block.expectations,
      };
      if (block.server !== undefined && block.server !== 'primary' && !settings.servers.some((s) => s.name === block.server)) {
        const known = ['primary', ...settings.servers.map((s) => s.name)].map((n) => `\`${n}\``).join(', ');
        diagnostics.push(diagnostic('UnknownServer', `Unexpected \`server=${block.server}\`, expected a server of this runbook (${known})`, block.serverPosition ?? position));
      }
      const first = byId.get(step.id);
      if (first) {
        diagnostics.push(diagnostic('DuplicateStepId', `Unexpected duplicate step id \`${step.id}\`, expected a unique id (first used at line ${first.position.line})`, position));
      } else {
        byId.set(step.id, step);
      }
      steps.push(step);
      previous = step;
    } else if (block.kind === 'output') {
      const target = block.forId ? byId.get(block.forId) : previous;
      if (!target) {
        const message = block.forId
          ? `Unexpected output block for unknown step \`${block.forId}\`, expected the id of an earlier step`
          : 'Unexpected output block with no step right before it, expected a `run` block first';
        diagnostics.push(diagnostic('OrphanOutput', message, position));
      } else {
        target.expectations.push({ stream: block.stream, mode: block.mode, text: raw.code, negate: false, position, shown: true });
      }
      previous = undefined;
    } else {
      if (block.kind === 'unverified') unverified.push({ position, lang: raw.lang, code: raw.code, reason: block.reason });
      previous = undefined;
    }
  }

  diagnostics.push(...checkRestoresProven(steps, settings));

  const runbook: Runbook = {
    file,
    title: frontmatter.title ?? file,
    ...(frontmatter.description !== undefined ? { description: frontmatter.description } : {}),
    settings, steps, unverified,
    sourceHash: createHash('sha256').update(text).digest('hex'),
  };
  diagnostics.sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
  return { runbook: diagnostics.some((d) => d.severity === 'error') ? undefined : runbook, diagnostics };
}

/** Where the meta string starts in the file, so attribute errors point at the attribute. */
function metaPosition(lines: string[], node: Code, file: string): Position {
  const line = node.position!.start.line;
  const text = lines[line - 1] ?? '';
  const fenceStart = node.position!.start.column - 1;
  const afterFence = text.slice(fenceStart).match(/^[`~]+\s*/)?.[0].length ?? 0;
  const langEnd = fenceStart + afterFence + (node.lang?.length ?? 0);
  const metaIndex = node.meta ? text.indexOf(node.meta, langEnd) : -1;
  return { file, line, column: (metaIndex >= 0 ? metaIndex : langEnd) + 1 };
}
