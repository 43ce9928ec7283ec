/**
 * The failover figures on a page come from the report's captured
 * `ack-ledger check` output, per version, and only from runs that passed.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ledgerSteps, parseLedgerCheck } from '../../src/site/proof/ledger.ts';
import { pageProof, type StepRun } from '../../src/site/proof/page-proof.ts';

const LOSS = 'acknowledged: 54\npresent: 34\nlost: 20 (first: 22 23 24 25 26 27 28 29 30 31 ...)\n'
  + 'present, never acknowledged: 0\nlongest gap without an acknowledged commit: 0.4 s (after id 41)\n';
const NO_LOSS = 'acknowledged: 120\npresent: 120\nlost: 0\npresent, never acknowledged: 1\n'
  + 'longest gap without an acknowledged commit: 12.3 s (after id 77)\n';

describe('parseLedgerCheck', () => {
  it('reads acknowledged, lost and the longest gap of a check report', () => {
    expect(parseLedgerCheck(LOSS)).toEqual({ acknowledged: 54, lost: 20, gapSeconds: 0.4 });
    expect(parseLedgerCheck(NO_LOSS)).toEqual({ acknowledged: 120, lost: 0, gapSeconds: 12.3 });
  });

  it('is undefined for any other output, and for a report cut before its last line', () => {
    expect(parseLedgerCheck('acknowledged: 20\n')).toBeUndefined();
    expect(parseLedgerCheck(LOSS.split('\n').slice(0, 4).join('\n'))).toBeUndefined();
    expect(parseLedgerCheck('lost 3 of 20 acknowledged\n')).toBeUndefined();
  });

  it('reads the lines scripts/ack-ledger documents for check (the tool and the parser agree)', () => {
    const help = execFileSync(path.resolve('scripts/ack-ledger'), ['--help'], { encoding: 'utf8' });
    for (const line of ['acknowledged: N', 'lost: N (first: ...)', 'longest gap without an acknowledged commit: S.S s (after id N)']) {
      expect(help).toContain(line);
    }
  });
});

describe('ledgerSteps', () => {
  const page = [
    '---', 'title: t', '---', '',
    '```bash run id=cost role=proof exit=1 title="What the failover cost"', 'ack-ledger check l', '```', '',
    '```bash run id=other', 'echo hi', '```', '',
  ].join('\n');
  const run = (major: number, stdout: string, status: StepRun['status'] = 'passed', truncated = false): StepRun =>
    ({ major, status, exitCode: 1, durationMs: 90, stdout, stderr: '', truncated, failures: [] });

  function proofWith(costRuns: StepRun[]) {
    const proof = pageProof(undefined, 'content/t.md', page);
    proof.steps = [
      { index: 0, id: 'cost', line: 5, language: 'bash', hidden: false, code: 'ack-ledger check l', status: 'passed', runs: costRuns },
      { index: 1, id: 'other', line: 9, language: 'bash', hidden: false, code: 'echo hi', status: 'passed', runs: [run(17, 'hi\n')] },
    ];
    return proof;
  }

  it('gives one entry per check step, titled as on the page, with the figures of each version', () => {
    expect(ledgerSteps(proofWith([run(15, NO_LOSS), run(17, LOSS)]))).toEqual([{
      id: 'cost', title: 'What the failover cost',
      runs: [{ major: 15, acknowledged: 120, lost: 0, gapSeconds: 12.3 }, { major: 17, acknowledged: 54, lost: 20, gapSeconds: 0.4 }],
    }]);
  });

  it('leaves out runs that failed or whose output was truncated', () => {
    expect(ledgerSteps(proofWith([run(13, LOSS, 'failed'), run(15, LOSS, 'passed', true), run(17, LOSS)]))[0]!.runs.map((r) => r.major)).toEqual([17]);
    expect(ledgerSteps(proofWith([run(13, LOSS, 'failed')]))).toEqual([]);
  });
});
