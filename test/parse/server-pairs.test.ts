/**
 * `servers: { old: { 17: 13, 18: 15 } }`: an extra server whose version depends on the
 * run's (an upgrade from 13 on the 17 run, from 15 on the 18 run). Runs of a major the
 * map does not name are "n/a", never started; each run's sandbox gets its own pair.
 */
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/harness/parse/index.ts';
import { planMatrix, serversForRun } from '../../src/harness/plan/matrix.ts';

const page = (servers: string[]): string =>
  ['---', 'title: Upgrade', 'runbook:', '  servers:', ...servers.map((s) => `    ${s}`), '---', '', '```bash run id=a', 'echo a', '```', ''].join('\n');

describe('runbook.servers with a version per run', () => {
  it('reads the pairs beside fixed and `same` servers', () => {
    const { runbook, diagnostics } = parseRunbook(page(['old: { 17: 13, 18: 15 }', 'standby: same', 'archive: 15']), 'content/up.md');
    expect(diagnostics).toEqual([]);
    expect(runbook!.settings.servers).toEqual([
      { name: 'old', byRun: { 17: 13, 18: 15 } },
      { name: 'standby' },
      { name: 'archive', major: 15 },
    ]);
  });

  it('gives each run its own pair, and leaves the others as they were', () => {
    const { runbook } = parseRunbook(page(['old: { 17: 13, 18: 15 }', 'standby: same']), 'content/up.md');
    expect(serversForRun(runbook!.settings.servers, 17)).toEqual([{ name: 'old', major: 13 }, { name: 'standby' }]);
    expect(serversForRun(runbook!.settings.servers, 18)).toEqual([{ name: 'old', major: 15 }, { name: 'standby' }]);
    expect(() => serversForRun(runbook!.settings.servers, 15)).toThrow('server `old` names no version for PostgreSQL 15');
  });

  it('plans only the runs the pairs name; the others are n/a, saying why', () => {
    const { runbook } = parseRunbook(page(['old: { 17: 13, 18: 15 }']), 'content/up.md');
    const { entries, notApplicable } = planMatrix([runbook!], [13, 15, 17, 18]);
    expect(entries.map((e) => e.major)).toEqual([17, 18]);
    expect(notApplicable.map((n) => `${n.major}: ${n.reason}`)).toEqual([
      '13: server `old` names no version for PostgreSQL 13 (old: { 17: 13, 18: 15 })',
      '15: server `old` names no version for PostgreSQL 15 (old: { 17: 13, 18: 15 })',
    ]);
  });

  it('rejects a pair that is not two majors, at the pair, saying what it expects', () => {
    const { diagnostics } = parseRunbook(page(['old: { 17: thirteen }']), 'content/up.md');
    expect(diagnostics.map((d) => [d.code, d.position.line, d.message])).toEqual([
      ['RB111', 5, 'Unexpected pair in server `old`, expected the run\'s major and this server\'s, such as `old: { 17: 13, 18: 15 }`'],
    ]);
    const empty = parseRunbook(page(['old: {}']), 'content/up.md').diagnostics;
    expect(empty.map((d) => d.message)).toEqual(['Server `old` names no pair, expected such as `old: { 17: 13, 18: 15 }`']);
  });
});
