import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { formatDiagnostic } from '../../src/harness/errors.ts';
import { scriptFor } from '../../src/harness/plan/index.ts';

const FIXTURE_DIR = 'test/fixtures/parse';

function parseFixture(name: string) {
  const file = `${FIXTURE_DIR}/${name}`;
  return parseRunbook(readFileSync(file, 'utf8'), file);
}

function problems(name: string): string[] {
  return parseFixture(name).diagnostics.map(formatDiagnostic);
}

describe('parsing a valid runbook', () => {
  const { runbook, diagnostics } = parseFixture('valid.md');

  it('finds no problems', () => {
    expect(diagnostics).toEqual([]);
  });

  it('reads every step in order, with ids, languages and positions', () => {
    expect(runbook!.steps.map((s) => [s.index, s.id, s.explicitId, s.language, s.position.line, s.position.column])).toEqual([
      [1, 'seed', true, 'bash', 10, 1],
      [2, 'count', true, 'sql', 17, 3],
      [3, 'fail', true, 'bash', 26, 1],
      [4, 'step-4', false, 'bash', 34, 1],
    ]);
  });

  it('keeps the code exactly as the page shows it, and Expressive Code options in the meta', () => {
    const seed = runbook!.steps[0]!;
    expect(seed.code).toBe("createdb appdb\npsql -d appdb -c 'create table t (id int)'");
    expect(seed.title).toBe('Create the database');
    expect(seed.meta).toBe('run id=seed title="Create the database" {2}');
  });

  it('reads exit codes, timeouts, hidden and output expectations', () => {
    const [seed, count, fail] = runbook!.steps;
    expect(seed!.timeoutMs).toBe(120_000);
    expect(count!.timeoutMs).toBe(10_000);
    expect(count!.database).toBe('appdb');
    expect(count!.expectations.map((e) => [e.stream, e.mode, e.text, e.shown])).toEqual([
      ['stdout', 'contains', '0', false],
      ['stdout', 'lines', ' count\n(1 row)', true],
    ]);
    expect(fail!.exit).toEqual({ kind: 'codes', codes: [1, 2] });
    expect(fail!.hidden).toBe(true);
    expect(fail!.expectations[0]).toMatchObject({ stream: 'stderr', mode: 'contains', text: 'ERROR' });
  });

  it('records blocks shown but not run, with their reason', () => {
    expect(runbook!.unverified.map((u) => [u.position.line, u.lang, u.reason])).toEqual([[30, 'bash', 'needs a real S3 bucket']]);
  });

  it('sends SQL steps to psql with ON_ERROR_STOP on stdin', () => {
    expect(scriptFor(runbook!.steps[1]!)).toBe("psql -X -v ON_ERROR_STOP=1 -d appdb <<'SQL'\nselect count(*) from t;\nSQL");
  });

  it('ties the runbook to its exact text by hash', () => {
    const again = parseFixture('valid.md').runbook!;
    expect(again.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(again.sourceHash).toBe(runbook!.sourceHash);
    const edited = parseRunbook(readFileSync('test/fixtures/parse/valid.md', 'utf8').replace('createdb appdb', 'createdb appdb2'), 'x.md');
    expect(edited.runbook!.sourceHash).not.toBe(runbook!.sourceHash);
  });
});

/**
 * Each fixture's expected messages live beside it, as remark-lint keeps a
 * rule's `not-ok.md` with its output: `test/fixtures/parse/NAME.md` and
 * `NAME.expected.txt` (empty: no messages). After a deliberate change to a
 * message, rewrite them with `npx vitest run test/parse -u` and review the diff.
 */
const FIXTURES: Record<string, string> = {
  'valid.md': 'accepts a valid runbook',
  'unknown-attribute.md': 'rejects an unknown attribute, with a did-you-mean',
  'bad-values.md': 'rejects bad attribute values, naming what is expected',
  'duplicate-id.md': 'rejects a duplicate step id',
  'unterminated-fence.md': 'rejects an unterminated fence',
  'unsupported-language.md': 'rejects a step in an unsupported language',
  'invalid-frontmatter.md': 'rejects YAML that does not parse',
  'frontmatter-shape.md': 'rejects a page without a title and an unknown runbook setting',
  'unmarked-block.md': 'rejects command blocks that neither run nor say why',
  'orphan-output.md': 'rejects output blocks without a step',
  'trailing-whitespace.md': 'rejects whitespace at line ends in steps and expected output (never compared, never copied), not in skipped blocks',
  'scaffolding.md': 'rejects scaffolding and sandbox-only settings in operator steps, at the command, and accepts them with a role or a reason',
  'conflicts.md': 'rejects conflicting attributes and an unclosed quote',
  'sandbox-variable.md': 'rejects $SANDBOX_DIR in an operator step, at the variable, and accepts it in drill and proof steps or with a reason',
  'unproven-restore.md': 'rejects a restore with no comparison of the data after it, at the restoring command (a query of settings is no comparison)',
  'restore-proven.md': 'accepts restores followed by a fingerprint comparison or a checked query of the restored rows',
  'restore-exempt.md': 'accepts an unproven restore when the frontmatter says why',
  'host-user.md': 'accepts on= and as= on steps, and rejects them empty or on unverified blocks',
  'server.md': 'accepts server= naming the primary or a server of the frontmatter, and rejects another name at the attribute',
  'quoted-attribute.md': 'accepts quotes inside attribute values: a backslash escapes the value\'s own quote, the other kind needs none',
};

describe('parsing each fixture gives the messages written beside it', () => {
  it('has a description for every fixture, and a fixture for every expected file', () => {
    const names = readdirSync(FIXTURE_DIR).sort();
    expect(names.filter((n) => n.endsWith('.md'))).toEqual(Object.keys(FIXTURES).sort());
    expect(names.filter((n) => !n.endsWith('.md'))).toEqual(Object.keys(FIXTURES).map((n) => n.replace(/\.md$/, '.expected.txt')).sort());
  });

  for (const [name, description] of Object.entries(FIXTURES)) {
    it(`${name}: ${description}`, async () => {
      const text = problems(name).map((p) => `${p}\n`).join('');
      await expect(text).toMatchFileSnapshot(`../fixtures/parse/${name.replace(/\.md$/, '.expected.txt')}`);
    });
  }
});

describe('parsing invalid runbooks', () => {
  it('returns no runbook when there is any error', () => {
    expect(parseFixture('duplicate-id.md').runbook).toBeUndefined();
  });

  it('never throws on arbitrary text', () => {
    for (const text of ['', '```', '---\n---', '```bash run\n', '---\ntitle: x\n---\n```sql run db=\n```', '\u0000\uFFFF', '~~~bash run id=\n~~']) {
      const result = parseRunbook(text, 'x.md');
      for (const d of result.diagnostics) expect(d.position.line).toBeGreaterThan(0);
    }
  });
});
