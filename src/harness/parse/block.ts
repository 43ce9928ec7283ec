import type { Diagnostic, ExitExpectation, MatchMode, OutputExpectation, Position, StepRole, Stream } from '../model.ts';
import { diagnostic, didYouMean } from '../errors.ts';
import { STEP_LANGS, tokenizeMeta, type MetaToken } from './meta.ts';
import { drillScaffolding, positionInStep, proofScaffolding, sandboxOnlySettings, sandboxVariables, type Finding } from './scaffolding.ts';
import {
  parseDuration, parseExit, parseId, parseMatchMode, parseNonEmpty, parseRegex, parseRole, parseStream, stepRole, type ValueResult,
} from './values.ts';

/** A fenced code block as the parser sees it, before it knows what the block is. */
export interface RawBlock {
  lang: string;
  meta: string;
  code: string;
  position: Position;
  /** Position of the first character of `meta` in the file. */
  metaPosition: Position;
}

export type Block =
  | { kind: 'step'; lang: string; id?: string; hidden: boolean; role: StepRole; sandboxOnly?: string; on?: string; as?: string; server?: string; serverPosition?: Position; exit: ExitExpectation;
      timeoutMs?: number; database?: string; title?: string; expectations: OutputExpectation[] }
  | { kind: 'unverified'; reason: string }
  | { kind: 'output'; forId?: string; mode: MatchMode; stream: Stream }
  | { kind: 'plain' };

/** Languages a reader would paste into a terminal or psql: they must say whether they ran. */
const COMMAND_LANGS = new Set(['bash', 'sh', 'shell', 'zsh', 'console', 'shellsession', 'shell-session', 'sql', 'psql', 'plpgsql']);

/** Expressive Code's own meta options: allowed anywhere, interpreted by the site. */
const EXPRESSIVE_CODE = ['title', 'frame', 'ins', 'del', 'mark', 'collapse', 'collapseStyle', 'showLineNumbers',
  'startLineNumber', 'wrap', 'preserveIndent', 'hangingIndent', 'lang'];

const EXPECTATION_ATTRS: Record<string, { stream: Stream; mode: MatchMode; negate: boolean }> = {
  contains: { stream: 'stdout', mode: 'contains', negate: false },
  'not-contains': { stream: 'stdout', mode: 'contains', negate: true },
  matches: { stream: 'stdout', mode: 'regex', negate: false },
  'stderr-contains': { stream: 'stderr', mode: 'contains', negate: false },
  'stderr-not-contains': { stream: 'stderr', mode: 'contains', negate: true },
  'stderr-matches': { stream: 'stderr', mode: 'regex', negate: false },
};
const STEP_ATTRS = ['run', 'hidden', 'id', 'exit', 'timeout', 'db', 'role', 'sandbox-only', 'on', 'as', 'server', ...Object.keys(EXPECTATION_ATTRS)];
const SKIP_ATTRS = ['skip'];
const OUTPUT_ATTRS = ['output', 'for', 'match', 'stream'];
const ALL_OURS = [...STEP_ATTRS, ...SKIP_ATTRS, ...OUTPUT_ATTRS];
const REPEATABLE = new Set(Object.keys(EXPECTATION_ATTRS));

function at(block: RawBlock, token: MetaToken): Position {
  return { file: block.position.file, line: block.metaPosition.line, column: block.metaPosition.column + token.offset };
}

/** Classifies one fenced block and checks its attributes. Never throws: problems become diagnostics. */
export function readBlock(block: RawBlock): { block: Block; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parsed = tokenizeMeta(block.meta);
  if (parsed.unclosedAt !== undefined) {
    const pos = { ...block.metaPosition, column: block.metaPosition.column + parsed.unclosedAt };
    diagnostics.push(diagnostic('MalformedMeta', `Unexpected end of the fence's info string, expected a closing ${JSON.stringify(closerFor(block.meta[parsed.unclosedAt]!))}`, pos));
    return { block: { kind: 'plain' }, diagnostics };
  }
  const attrs = new Map<string, MetaToken[]>();
  for (const token of parsed.tokens) {
    if (token.key === undefined) continue;
    const list = attrs.get(token.key) ?? [];
    list.push(token);
    attrs.set(token.key, list);
  }
  const isOutput = attrs.has('output') || block.lang === 'output';
  const isRun = attrs.has('run');
  const isSkip = attrs.has('skip');
  const kindAttrs = isRun ? STEP_ATTRS : isSkip ? SKIP_ATTRS : isOutput ? OUTPUT_ATTRS : [];
  const known = new Set([...kindAttrs, ...EXPRESSIVE_CODE]);

  for (const [key, tokens] of attrs) {
    const token = tokens[0]!;
    if (tokens.length > 1 && !REPEATABLE.has(key) && known.has(key)) {
      diagnostics.push(diagnostic('BadValue', `Unexpected second \`${key}\` attribute, expected it at most once`, at(block, tokens[1]!)));
    }
    if (known.has(key) || (key === 'skip' && isRun)) continue;
    if (ALL_OURS.includes(key)) {
      const what = isRun ? 'steps (`run` blocks)' : isSkip ? 'unverified (`skip`) blocks' : isOutput ? 'output blocks' : 'this block';
      if (isRun || isSkip || isOutput) {
        diagnostics.push(diagnostic('ConflictingAttributes', `Unexpected attribute \`${key}\` on ${what}, expected one of ${kindAttrs.map((a) => `\`${a}\``).join(', ')}`, at(block, token),
          `\`${key}\` belongs to ${ownerOf(key)}.`));
      }
      continue;
    }
    if (!(isRun || isSkip || isOutput)) continue;
    const guess = didYouMean(key, [...kindAttrs, ...EXPRESSIVE_CODE]);
    diagnostics.push(diagnostic('UnknownAttribute', `Unknown attribute \`${key}\`${guess ? `, did you mean \`${guess}\`?` : ''}`, at(block, token)));
  }

  if (isRun && isSkip) {
    diagnostics.push(diagnostic('ConflictingAttributes', 'Unexpected `skip` on a `run` block, expected one of them', at(block, attrs.get('skip')![0]!)));
  }

  if (isRun || isOutput) checkTrailingWhitespace(block, diagnostics);
  if (isRun) return { block: readStep(block, attrs, diagnostics), diagnostics };
  if (isSkip) {
    const reason = value(block, attrs, 'skip', parseNonEmpty, diagnostics);
    return { block: { kind: 'unverified', reason: reason ?? '' }, diagnostics };
  }
  if (isOutput) {
    const forId = value(block, attrs, 'for', parseId, diagnostics);
    const mode = value(block, attrs, 'match', parseMatchMode, diagnostics) ?? 'exact';
    const stream = value(block, attrs, 'stream', parseStream, diagnostics) ?? 'stdout';
    if (mode === 'regex') checkRegex(block.code, block.position, diagnostics);
    return { block: { kind: 'output', ...(forId ? { forId } : {}), mode, stream }, diagnostics };
  }
  if (COMMAND_LANGS.has(block.lang)) {
    const typo = parsed.tokens.find((t) => t.key && !t.value && didYouMean(t.key, ['run', 'skip']));
    const suggestion = typo ? ` (is \`${typo.key}\` meant to be \`${didYouMean(typo.key!, ['run', 'skip'])}\`?)` : '';
    diagnostics.push(diagnostic('UnmarkedBlock', `Unexpected \`${block.lang}\` block that neither runs nor says why not${suggestion}, expected \`run\` or \`skip="<reason>"\``, block.position));
  }
  return { block: { kind: 'plain' }, diagnostics };
}

function readStep(block: RawBlock, attrs: Map<string, MetaToken[]>, diagnostics: Diagnostic[]): Block {
  const lang = STEP_LANGS[block.lang];
  if (!lang) {
    const pos = block.position;
    diagnostics.push(diagnostic('UnsupportedLanguage', `Unexpected step language \`${block.lang || '(none)'}\`, expected bash, sh, shell or sql`, pos));
  }
  if (!block.code.trim()) diagnostics.push(diagnostic('EmptyStep', 'Unexpected empty step, expected a command', block.position));
  const expectations: OutputExpectation[] = [];
  for (const [key, spec] of Object.entries(EXPECTATION_ATTRS)) {
    for (const token of attrs.get(key) ?? []) {
      const text = token.value ?? '';
      if (!text) {
        diagnostics.push(diagnostic('BadValue', `Unexpected empty \`${key}\`, expected ${key}="<text>"`, at(block, token)));
        continue;
      }
      if (spec.mode === 'regex') checkRegex(text, at(block, token), diagnostics);
      expectations.push({ ...spec, text, position: at(block, token), shown: false });
    }
  }
  const database = value(block, attrs, 'db', parseNonEmpty, diagnostics);
  if (database !== undefined && lang === 'bash') {
    diagnostics.push(diagnostic('ConflictingAttributes', 'Unexpected `db=` on a shell step, expected it on `sql` steps only', at(block, attrs.get('db')![0]!),
      'In a shell step, name the database in the command itself (psql -d NAME).'));
  }
  const id = value(block, attrs, 'id', parseId, diagnostics);
  const timeoutMs = value(block, attrs, 'timeout', parseDuration, diagnostics);
  const title = attrs.get('title')?.[0]?.value;
  const hidden = attrs.has('hidden');
  const role = readRole(block, attrs, hidden, diagnostics);
  const sandboxOnly = value(block, attrs, 'sandbox-only', parseNonEmpty, diagnostics);
  if (role === 'operator') checkOperatorStep(block, sandboxOnly, diagnostics);
  const on = value(block, attrs, 'on', parseNonEmpty, diagnostics);
  const as = value(block, attrs, 'as', parseNonEmpty, diagnostics);
  const server = value(block, attrs, 'server', parseId, diagnostics);
  return {
    kind: 'step',
    lang: block.lang,
    ...(id !== undefined ? { id } : {}),
    hidden,
    role,
    ...(sandboxOnly !== undefined ? { sandboxOnly } : {}),
    ...(on !== undefined ? { on } : {}),
    ...(as !== undefined ? { as } : {}),
    ...(server !== undefined ? { server, serverPosition: at(block, attrs.get('server')![0]!) } : {}),
    exit: value(block, attrs, 'exit', parseExit, diagnostics) ?? { kind: 'codes', codes: [0] },
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(database !== undefined ? { database } : {}),
    ...(title !== undefined ? { title } : {}),
    expectations,
  };
}

/** `hidden` steps are the page's own checks unless they say otherwise; visible ones are the operator's. */
function readRole(block: RawBlock, attrs: Map<string, MetaToken[]>, hidden: boolean, diagnostics: Diagnostic[]): StepRole {
  const role = value(block, attrs, 'role', parseRole, diagnostics);
  if (role === 'operator' && hidden) {
    diagnostics.push(diagnostic('ConflictingAttributes', 'Unexpected `hidden` on a `role=operator` step, expected operator steps to be shown',
      at(block, attrs.get('hidden')![0]!), 'A reader can only copy what the page shows: drop `hidden`, or make the step `role=drill` or `role=proof`.'));
  }
  return stepRole(role, hidden);
}

const findingAt = (block: RawBlock, finding: Finding): Position => positionInStep(block.position, block.code, finding.offset);

function checkOperatorStep(block: RawBlock, sandboxOnly: string | undefined, diagnostics: Diagnostic[]): void {
  for (const [findings, role] of [[drillScaffolding(block.code), 'drill'], [proofScaffolding(block.code), 'proof']] as const) {
    const first = findings[0];
    if (first) {
      diagnostics.push(diagnostic('ScaffoldingInOperatorStep', `Unexpected ${first.what} (\`${first.text}\`) in an operator step, expected \`role=${role}\` on a step that is not for production`, findingAt(block, first)));
    }
  }
  if (sandboxOnly !== undefined) return;
  const setting = sandboxOnlySettings(block.code)[0];
  if (setting) {
    diagnostics.push(diagnostic('SandboxOnlySetting', `Unexpected sandbox-only setting ${setting.what} in a step readers copy, expected the production form or \`sandbox-only="<why>"\``, findingAt(block, setting)));
  }
  const variable = sandboxVariables(block.code)[0];
  if (variable) {
    diagnostics.push(diagnostic('SandboxVariableInOperatorStep', `Unexpected \`${variable.text}\` (${variable.what}, empty on a reader's machine) in a step readers copy, expected a variable set in a \`role=drill\` step (export RESTORED_PGDATA="$SANDBOX_DIR/restored") or \`sandbox-only="<why>"\``, findingAt(block, variable)));
  }
}

function value<T>(block: RawBlock, attrs: Map<string, MetaToken[]>, key: string, parse: (text: string) => ValueResult<T>, diagnostics: Diagnostic[]): T | undefined {
  const token = attrs.get(key)?.[0];
  if (!token) return undefined;
  if (token.value === undefined) {
    diagnostics.push(diagnostic('BadValue', `Unexpected \`${key}\` without a value, expected ${key}=<value>`, at(block, token)));
    return undefined;
  }
  const result = parse(token.value);
  if (result.ok) return result.value;
  diagnostics.push(diagnostic('BadValue', `Unexpected ${key}=${JSON.stringify(token.value)}, expected ${result.expected}`, at(block, token)));
  return undefined;
}

/**
 * Comparisons ignore whitespace at line ends and the copy button drops it, so
 * a trailing space in a step or an expected output would make the page's text
 * differ from what was copied, or promise output that is never checked.
 */
function checkTrailingWhitespace(block: RawBlock, diagnostics: Diagnostic[]): void {
  const lines = block.code.split('\n');
  const index = lines.findIndex((line) => /[ \t]$/.test(line));
  if (index < 0) return;
  const line = lines[index]!;
  diagnostics.push(diagnostic('TrailingWhitespace', 'Unexpected whitespace at the end of the line, expected none: comparisons ignore it and copying drops it',
    { file: block.position.file, line: block.position.line + 1 + index, column: line.trimEnd().length + 1 }));
}

function checkRegex(text: string, position: Position, diagnostics: Diagnostic[]): void {
  const result = parseRegex(text);
  if (!result.ok) diagnostics.push(diagnostic('InvalidRegex', `Unexpected regular expression ${JSON.stringify(text)}, expected ${result.expected}`, position));
}

function ownerOf(key: string): string {
  if (STEP_ATTRS.includes(key)) return 'steps: add `run` to the block';
  if (OUTPUT_ATTRS.includes(key)) return 'output blocks (```text output)';
  return 'unverified blocks';
}

function closerFor(open: string): string {
  return ({ '"': '"', "'": "'", '{': '}', '/': '/' } as Record<string, string>)[open] ?? open;
}
