import { describe, expect, it } from 'vitest';
import { describeExit, normalizeOutput, verifyStep } from '../../src/harness/verify/index.ts';
import type { OutputExpectation, StepOutcome } from '../../src/harness/model.ts';
import { at, expectation, makeOutcome, makeStep } from './build.ts';

describe('judging a step by its exit status', () => {
  it('passes exit 0 by default and names the status otherwise', () => {
    expect(verifyStep(makeStep(), makeOutcome())).toEqual([]);
    expect(verifyStep(makeStep(), makeOutcome({ exitCode: 3 }))).toMatchInlineSnapshot(`
      [
        {
          "actual": "exit status 3",
          "expected": "exit status 0",
          "position": {
            "column": 1,
            "file": "content/x.md",
            "line": 10,
          },
        },
      ]
    `);
  });

  it('accepts any listed code, any non-zero code, or anything', () => {
    const codes = makeStep({ exit: { kind: 'codes', codes: [1, 2] } });
    expect([0, 1, 2, 3].map((exitCode) => verifyStep(codes, makeOutcome({ exitCode })).map((f) => f.expected))).toEqual([
      ['exit status 1 or 2'], [], [], ['exit status 1 or 2'],
    ]);
    const nonzero = makeStep({ exit: { kind: 'nonzero' } });
    expect(verifyStep(nonzero, makeOutcome({ exitCode: 0 })).map((f) => f.expected)).toEqual(['a non-zero exit status']);
    expect(verifyStep(nonzero, makeOutcome({ exitCode: 255 }))).toEqual([]);
    expect(verifyStep(makeStep({ exit: { kind: 'any' } }), makeOutcome({ exitCode: 42 }))).toEqual([]);
  });

  it('fails a step whose exit status is unknown, even when any status would do', () => {
    expect(verifyStep(makeStep({ exit: { kind: 'any' } }), makeOutcome({ exitCode: null })).map((f) => `${f.expected} / ${f.actual}`))
      .toMatchInlineSnapshot(`
        [
          "any exit status / exit status unknown",
        ]
      `);
  });

  it('describes each kind of exit expectation in words', () => {
    expect([
      describeExit({ kind: 'codes', codes: [0] }),
      describeExit({ kind: 'codes', codes: [1, 2, 3] }),
      describeExit({ kind: 'nonzero' }),
      describeExit({ kind: 'any' }),
    ]).toMatchInlineSnapshot(`
      [
        "exit status 0",
        "exit status 1 or 2 or 3",
        "a non-zero exit status",
        "any exit status",
      ]
    `);
  });
});

describe('judging a step by its output', () => {
  const judge = (e: OutputExpectation, out: Partial<StepOutcome>) =>
    verifyStep(makeStep({ expectations: [e] }), makeOutcome(out)).map((f) => `${f.expected} | ${f.actual}`);

  it('compares exactly, ignoring trailing spaces, carriage returns and trailing blank lines', () => {
    expect(judge(expectation('exact', ' count\n-------\n     3'), { stdout: ' count  \r\n-------\r\n     3\n\n\n' })).toEqual([]);
    expect(judge(expectation('exact', 'COPY 3'), { stdout: 'COPY 3\nCOPY 4\n' })).toMatchInlineSnapshot(`
      [
        "stdout to be exactly "COPY 3" | stdout differs (2 lines, shown below)",
      ]
    `);
  });

  it('finds a substring with contains', () => {
    expect(judge(expectation('contains', 'COPY 3'), { stdout: 'SET\nCOPY 3\n' })).toEqual([]);
    expect(judge(expectation('contains', 'COPY 3'), { stdout: 'COPY 30' })).toEqual([]);
    expect(judge(expectation('contains', 'COPY 3'), { stdout: 'COPY 2\n' })).toMatchInlineSnapshot(`
      [
        "stdout to contain "COPY 3" | stdout differs (1 line, shown below)",
      ]
    `);
  });

  it('finds whole lines in order with lines, whatever comes between', () => {
    const want = expectation('lines', ' count\n(1 row)');
    expect(judge(want, { stdout: ' count\n-------\n     3\n(1 row)\n' })).toEqual([]);
    expect(judge(want, { stdout: '(1 row)\n count\n' })).toMatchInlineSnapshot(`
      [
        "stdout to contain these lines in order " count\\n(1 row)" | stdout differs (2 lines, shown below)",
      ]
    `);
    // A line must match whole: a longer line that contains it is not it.
    expect(judge(expectation('lines', 'COPY 3'), { stdout: 'COPY 30\n' })).toHaveLength(1);
  });

  it('matches a regular expression per line (m flag) against the raw output', () => {
    expect(judge(expectation('regex', '^backup-postgres: status=ok '), { stdout: 'log\nbackup-postgres: status=ok file=x\n' })).toEqual([]);
    // Not normalized: the pattern sees trailing spaces.
    expect(judge(expectation('regex', 'ok $'), { stdout: 'ok \n' })).toEqual([]);
    expect(judge(expectation('regex', '^\\d+ rows$'), { stdout: 'three rows\n' })).toMatchInlineSnapshot(`
      [
        "stdout to match /^\\d+ rows$/ | stdout differs (1 line, shown below)",
      ]
    `);
  });

  it('reads stderr, or both streams as one', () => {
    expect(judge(expectation('contains', 'ERROR', { stream: 'stderr' }), { stdout: 'ERROR', stderr: 'NOTICE' })).toMatchInlineSnapshot(`
      [
        "stderr to contain "ERROR" | stderr differs (1 line, shown below)",
      ]
    `);
    expect(judge(expectation('exact', 'out\nerr', { stream: 'combined' }), { stdout: 'out\n', stderr: 'err\n' })).toEqual([]);
  });

  it('fails a negated expectation when the text is there, and says it matched', () => {
    const absent = expectation('contains', 'ERROR', { negate: true });
    expect(judge(absent, { stdout: 'all good\n' })).toEqual([]);
    expect(judge(absent, { stdout: 'psql: ERROR: boom\nsecond line\n' })).toMatchInlineSnapshot(`
      [
        "stdout not to contain "ERROR" | stdout matched (2 lines, shown below)",
      ]
    `);
    expect(judge(expectation('regex', 'ERROR|FATAL', { negate: true, stream: 'stderr' }), { stderr: 'FATAL: no\n' })).toMatchInlineSnapshot(`
      [
        "stderr not to match /ERROR|FATAL/ | stderr matched (1 line, shown below)",
      ]
    `);
  });

  it('says a stream was empty rather than showing nothing', () => {
    expect(judge(expectation('contains', 'COPY 3'), { stdout: '\n\n' })).toMatchInlineSnapshot(`
      [
        "stdout to contain "COPY 3" | stdout was empty",
      ]
    `);
  });

  it('reports each failed expectation at its own position, after the exit status', () => {
    const step = makeStep({ expectations: [expectation('contains', 'a', { position: at(14) }), expectation('contains', 'b', { position: at(18, 3) })] });
    const failures = verifyStep(step, makeOutcome({ exitCode: 1, stdout: 'c' }));
    expect(failures.map((f) => `${f.position.line}:${f.position.column} ${f.expected}`)).toMatchInlineSnapshot(`
      [
        "10:1 exit status 0",
        "14:1 stdout to contain "a"",
        "18:3 stdout to contain "b"",
      ]
    `);
  });

  it('normalizes output the way a reader reads it', () => {
    expect(normalizeOutput('a  \r\nb\t\rc\n\n')).toBe('a\nb\nc');
    expect(normalizeOutput('\n\nx')).toBe('\n\nx');
  });
});

describe('a step that did not finish', () => {
  it('reports a timeout alone, with both durations', () => {
    const step = makeStep({ timeoutMs: 30_000, expectations: [expectation('contains', 'done')] });
    expect(verifyStep(step, makeOutcome({ timedOut: true, exitCode: null, durationMs: 30_412 }))).toMatchInlineSnapshot(`
      [
        {
          "actual": "killed after 30.4s with its whole process tree",
          "expected": "to finish within 30.0s",
          "position": {
            "column": 1,
            "file": "content/x.md",
            "line": 10,
          },
        },
      ]
    `);
  });

  it('reports the end of the shell session alone, with its status', () => {
    const step = makeStep({ expectations: [expectation('contains', 'done')] });
    expect(verifyStep(step, makeOutcome({ sessionEnded: true, exitCode: 1 })).map((f) => f.actual)).toMatchInlineSnapshot(`
      [
        "the shell session ended (exit status 1): the step ran \`exit\`, or \`set -e\` stopped the shell",
      ]
    `);
    expect(verifyStep(step, makeOutcome({ sessionEnded: true, exitCode: null })).map((f) => f.actual)[0]).toContain('exit status unknown');
  });
});

describe('the set -e rule for operator steps', () => {
  const carriedPast = makeOutcome({ exitCode: 0, firstFailure: { status: 141, command: 'head -n 3 plan.txt' } });

  it('fails an operator step that carried past a failed command, naming it', () => {
    expect(verifyStep(makeStep(), carriedPast)).toMatchInlineSnapshot(`
      [
        {
          "actual": "\`head -n 3 plan.txt\` exited 141 and the step went on; end it with \`|| true\` if that is intended, or make the step role=proof",
          "expected": "every command to succeed (a failure the step carries past would stop the downloadable script, which runs with set -e)",
          "position": {
            "column": 1,
            "file": "content/x.md",
            "line": 10,
          },
        },
      ]
    `);
  });

  it('leaves drill and proof steps, and steps that expect a failure, alone', () => {
    expect(verifyStep(makeStep({ role: 'drill' }), carriedPast)).toEqual([]);
    expect(verifyStep(makeStep({ role: 'proof' }), carriedPast)).toEqual([]);
    expect(verifyStep(makeStep({ exit: { kind: 'any' } }), carriedPast)).toEqual([]);
    expect(verifyStep(makeStep({ exit: { kind: 'codes', codes: [0, 1] } }), carriedPast)).toEqual([]);
  });

  it('does not add it to a step that already failed on its exit status', () => {
    const failed = makeOutcome({ exitCode: 1, firstFailure: { status: 1, command: 'false' } });
    expect(verifyStep(makeStep(), failed).map((f) => f.expected)).toEqual(['exit status 0']);
  });
});
