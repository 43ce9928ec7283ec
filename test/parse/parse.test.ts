import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { formatDiagnostic } from '../../src/harness/errors.ts';
import { scriptFor } from '../../src/harness/plan/index.ts';

function parseFixture(name: string) {
  const file = `test/fixtures/parse/${name}`;
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

describe('parsing invalid runbooks', () => {
  it('rejects an unknown attribute, with a did-you-mean', () => {
    expect(problems('unknown-attribute.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/unknown-attribute.md:5:21: Unknown attribute \`exitt\`, did you mean \`exit\`? [RB110]
        hint: Step attributes are listed in content/reference/runbook-format.md.",
      ]
    `);
  });

  it('rejects bad attribute values, naming what is expected', () => {
    expect(problems('bad-values.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/bad-values.md:5:13: Unexpected id="Dump", expected lower-case letters, digits, \`-\` and \`_\`, starting with a letter or digit [RB111]
        hint: See content/reference/runbook-format.md for the values each attribute takes.",
        "test/fixtures/parse/bad-values.md:5:21: Unexpected exit="maybe", expected an exit status 0-255, a comma-separated list (1,2), \`nonzero\` or \`any\` [RB111]
        hint: See content/reference/runbook-format.md for the values each attribute takes.",
        "test/fixtures/parse/bad-values.md:5:32: Unexpected timeout="soon", expected a duration such as 30s, 2m or 500ms [RB111]
        hint: See content/reference/runbook-format.md for the values each attribute takes.",
        "test/fixtures/parse/bad-values.md:9:13: Unexpected regular expression "([a-z", expected a valid regular expression (Invalid regular expression: /([a-z/m: Unterminated character class) [RB120]
        hint: Write a JavaScript regular expression; escape \`/\` and backslashes as needed.",
      ]
    `);
  });

  it('rejects a duplicate step id', () => {
    expect(problems('duplicate-id.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/duplicate-id.md:9:1: Unexpected duplicate step id \`dump\`, expected a unique id (first used at line 5) [RB112]
        hint: Step ids name a step in reports and on the site: give each step its own \`id=\`.",
      ]
    `);
  });

  it('rejects an unterminated fence', () => {
    expect(problems('unterminated-fence.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/unterminated-fence.md:5:1: Unexpected end of file inside the code block opened here, expected a closing \`\`\` [RB113]
        hint: Close the code block with a line holding the same fence (for example \`\`\`).",
      ]
    `);
  });

  it('rejects a step in an unsupported language', () => {
    expect(problems('unsupported-language.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/unsupported-language.md:5:1: Unexpected step language \`python\`, expected bash, sh, shell or sql [RB114]
        hint: Steps run as \`bash\` (also \`sh\`, \`shell\`) or \`sql\`; mark other blocks \`skip="<reason>"\` or drop \`run\`.",
        "test/fixtures/parse/unsupported-language.md:9:1: Unexpected step language \`console\`, expected bash, sh, shell or sql [RB114]
        hint: Steps run as \`bash\` (also \`sh\`, \`shell\`) or \`sql\`; mark other blocks \`skip="<reason>"\` or drop \`run\`.",
      ]
    `);
  });

  it('rejects YAML that does not parse', () => {
    expect(problems('invalid-frontmatter.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/invalid-frontmatter.md:3:11: Unexpected YAML: Missing closing "quote [RB100]
        hint: Fix the YAML between the two \`---\` lines at the top of the file.",
      ]
    `);
  });

  it('rejects a page without a title and an unknown runbook setting', () => {
    expect(problems('frontmatter-shape.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/frontmatter-shape.md:2:1: Unexpected frontmatter without a \`title\`, expected \`title: <text>\` [RB101]
        hint: Every page needs \`title: <text>\`; runbook settings go under \`runbook:\`.",
        "test/fixtures/parse/frontmatter-shape.md:4:3: Unknown runbook setting \`timout\`, did you mean \`timeout\`? [RB102]
        hint: Known keys under \`runbook:\` are listed in content/reference/runbook-format.md.",
      ]
    `);
  });

  it('rejects command blocks that neither run nor say why', () => {
    expect(problems('unmarked-block.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/unmarked-block.md:5:1: Unexpected \`bash\` block that neither runs nor says why not, expected \`run\` or \`skip="<reason>"\` [RB115]
        hint: Add \`run\` to execute it, or \`skip="<why it cannot run here>"\` so the page says it was not verified.",
        "test/fixtures/parse/unmarked-block.md:9:1: Unexpected \`sql\` block that neither runs nor says why not (is \`rnu\` meant to be \`run\`?), expected \`run\` or \`skip="<reason>"\` [RB115]
        hint: Add \`run\` to execute it, or \`skip="<why it cannot run here>"\` so the page says it was not verified.",
      ]
    `);
  });

  it('rejects output blocks without a step', () => {
    expect(problems('orphan-output.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/orphan-output.md:5:1: Unexpected output block with no step right before it, expected a \`run\` block first [RB117]
        hint: Put the \`output\` block right after the step it belongs to, or name it with \`for=<step id>\`.",
        "test/fixtures/parse/orphan-output.md:13:1: Unexpected output block for unknown step \`nope\`, expected the id of an earlier step [RB117]
        hint: Put the \`output\` block right after the step it belongs to, or name it with \`for=<step id>\`.",
      ]
    `);
  });

  it('rejects whitespace at line ends in steps and expected output (never compared, never copied), not in skipped blocks', () => {
    expect(problems('trailing-whitespace.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/trailing-whitespace.md:6:36: Unexpected whitespace at the end of the line, expected none: comparisons ignore it and copying drops it [RB121]
        hint: Delete the spaces or tabs at the end of the line (psql pads column headers: the harness compares without them).",
        "test/fixtures/parse/trailing-whitespace.md:10:3: Unexpected whitespace at the end of the line, expected none: comparisons ignore it and copying drops it [RB121]
        hint: Delete the spaces or tabs at the end of the line (psql pads column headers: the harness compares without them).",
      ]
    `);
  });

  it('rejects scaffolding and sandbox-only settings in operator steps, at the command, and accepts them with a role or a reason', () => {
    expect(problems('scaffolding.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/scaffolding.md:6:18: Unexpected fault injection (\`fault\`) in an operator step, expected \`role=drill\` on a step that is not for production [RB122]
        hint: Readers copy operator steps onto production systems: mark the step \`role=drill\` (it stages the incident) or \`role=proof\` (it checks the page), and keep the operator's own commands in a step of their own.",
        "test/fixtures/parse/scaffolding.md:10:2: Unexpected sample data (\`$RUNBOOK_FIXTURES\`) in an operator step, expected \`role=drill\` on a step that is not for production [RB122]
        hint: Readers copy operator steps onto production systems: mark the step \`role=drill\` (it stages the incident) or \`role=proof\` (it checks the page), and keep the operator's own commands in a step of their own.",
        "test/fixtures/parse/scaffolding.md:15:13: Unexpected fingerprint comparison (\`pg-fingerprint\`) in an operator step, expected \`role=proof\` on a step that is not for production [RB122]
        hint: Readers copy operator steps onto production systems: mark the step \`role=drill\` (it stages the incident) or \`role=proof\` (it checks the page), and keep the operator's own commands in a step of their own.",
        "test/fixtures/parse/scaffolding.md:19:8: Unexpected sandbox-only setting --no-sync (an OS crash can corrupt the new cluster) in a step readers copy, expected the production form or \`sandbox-only="<why>"\` [RB123]
        hint: Use the production form in steps readers copy (no --no-sync, no trust authentication, fsync on), or say why this step needs it with \`sandbox-only="<why>"\`: the site then shows it as a caution and the downloadable script leaves it out.",
        "test/fixtures/parse/scaffolding.md:23:46: Unexpected \`hidden\` on a \`role=operator\` step, expected operator steps to be shown [RB116]
        hint: A reader can only copy what the page shows: drop \`hidden\`, or make the step \`role=drill\` or \`role=proof\`.",
        "test/fixtures/parse/scaffolding.md:43:25: Unexpected role="operater", expected \`operator\`, \`drill\` or \`proof\` [RB111]
        hint: See content/reference/runbook-format.md for the values each attribute takes.",
      ]
    `);
  });

  it('rejects conflicting attributes and an unclosed quote', () => {
    expect(problems('conflicts.md')).toMatchInlineSnapshot(`
      [
        "test/fixtures/parse/conflicts.md:5:13: Unexpected \`skip\` on a \`run\` block, expected one of them [RB116]
        hint: A block either runs (\`run\`) or is shown unverified (\`skip="…"\`), not both.",
        "test/fixtures/parse/conflicts.md:9:13: Unexpected \`db=\` on a shell step, expected it on \`sql\` steps only [RB116]
        hint: In a shell step, name the database in the command itself (psql -d NAME).",
        "test/fixtures/parse/conflicts.md:13:25: Unexpected attribute \`hidden\` on unverified (\`skip\`) blocks, expected one of \`skip\` [RB116]
        hint: \`hidden\` belongs to steps: add \`run\` to the block.",
        "test/fixtures/parse/conflicts.md:17:19: Unexpected end of the fence's info string, expected a closing "\\"" [RB118]
        hint: Quote values that contain spaces: key="value with spaces".",
      ]
    `);
  });

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
