/**
 * What the site says around a step for a reader (issue 15, "what a browser
 * check found"), without a browser: the status of a step that fails on
 * purpose, the version switcher's versions, the caption of expected output,
 * anchors, host and user, tool links, and the hints for the reader's values.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Element, ElementContent } from 'hast';
import type { StepProof, StepRun } from '../../src/site/proof/page-proof.ts';
import { outputView, runPanel, statusLabel, stepMark } from '../../src/site/proof/step-view.ts';
import { expectedCaption } from '../../src/site/proof/expected.ts';
import { stepAnchors } from '../../src/site/proof/anchors.ts';
import { whereNote } from '../../src/site/proof/where.ts';
import { classifyFence } from '../../src/site/fences.ts';
import { readPageBlocks } from '../../src/site/page-blocks.ts';
import { documentedTools, toolsIn } from '../../src/site/tools.ts';
import { exportLine, namesExampleDatabase, valueHints, variablesIn, variablesSetIn } from '../../src/site/env-line.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const text = (node: ElementContent): string => (node.type === 'text' ? node.value : node.type === 'element' ? node.children.map(text).join('') : '');
const all = (node: Element, test: (e: Element) => boolean): Element[] => node.children.flatMap((c) => (c.type !== 'element' ? []
  : [...(test(c) ? [c] : []), ...all(c, test)]));
const hasClass = (name: string) => (e: Element) => ((e.properties.className as string[] | undefined) ?? []).includes(name);

function run(major: number, overrides: Partial<StepRun> = {}): StepRun {
  return { major, status: 'passed', exitCode: 0, durationMs: 12, stdout: `out ${major}\n`, stderr: '', truncated: false, failures: [], ...overrides };
}

function proofOf(runs: StepRun[], overrides: Partial<StepProof> = {}): StepProof {
  const ran = runs.filter((r) => r.status !== 'not-run');
  const shown = ran.filter((r) => r.status === 'failed').at(-1) ?? ran.at(-1);
  return { index: 1, id: 's', line: 5, language: 'bash', hidden: false, code: 'x', status: 'passed', runs, ...(shown ? { shown } : {}), ...overrides };
}

describe('a step that fails on purpose', () => {
  it('says "Failed as expected (exit 1)", not "Ran and passed", and its chips say why it passed', () => {
    const step = proofOf([run(13, { exitCode: 1 }), run(17, { exitCode: 1 })]);
    expect(statusLabel(step)).toEqual({ text: 'Failed as expected (exit 1)', expectedFailure: true });
    const mark = stepMark(step);
    expect(text(mark)).toContain('Failed as expected (exit 1)');
    expect(text(mark)).not.toContain('Ran and passed');
    const chips = all(mark, hasClass('rb-run'));
    expect(chips.map((c) => c.properties.dataRbStatus)).toEqual(['passed', 'passed']);
    expect(chips[0]!.properties.title).toBe('PostgreSQL 13: failed as the page expects (exit status 1), so the step passed, 12 ms');
  });

  it('names each exit status seen; a step that exited 0 everywhere still ran and passed; a real failure is a failure', () => {
    expect(statusLabel(proofOf([run(13, { exitCode: 1 }), run(17, { exitCode: 3 })])).text).toBe('Failed as expected (exit 1 or 3)');
    expect(statusLabel(proofOf([run(13, { exitCode: 0 }), run(17, { exitCode: 1 })])).text).toBe('Ran and passed (exit 0 or 1, each allowed by the page)');
    expect(statusLabel(proofOf([run(17)])).text).toBe('Ran and passed');
    expect(statusLabel(proofOf([run(17, { status: 'failed', exitCode: 1 })], { status: 'failed' })).text).toBe('Failed');
  });
});

describe('the version switcher', () => {
  it('shows the default version live and keeps every version that ran in a template, in order', () => {
    const step = proofOf([run(13), run(15, { status: 'not-run', exitCode: null }), run(17)]);
    const view = outputView(step)!;
    expect(view.properties.dataRbShown).toBe('17');
    const live = view.children.filter((c): c is Element => c.type === 'element' && hasClass('rb-output')(c));
    expect(live.map((l) => l.properties.dataRbMajor)).toEqual(['17']);
    const buttons = all(view, (e) => e.tagName === 'button');
    expect(buttons.map((b) => [text(b), b.properties.ariaPressed])).toEqual([['PG 13', 'false'], ['PG 17', 'true']]);
    const templates = view.children.filter((c): c is Element => c.type === 'element' && c.tagName === 'template');
    expect(templates.map((t) => [t.properties.dataRbMajor, text(t.children[0]!), text(t.content!.children[0] as Element)]))
      .toEqual([['13', text(runPanel(run(13))), text(runPanel(run(13)))], ['17', text(runPanel(run(17))), text(runPanel(run(17)))]]);
    // Output that differs between versions is not called the same.
    expect(all(view, hasClass('rb-versions__same'))).toEqual([]);
  });

  it('keeps the newest failed version as the default, says when every version printed the same, and is a plain panel for one version', () => {
    const failed = outputView(proofOf([run(13, { status: 'failed', exitCode: 1 }), run(17)], { status: 'failed' }))!;
    expect(failed.properties.dataRbShown).toBe('13');
    const same = outputView(proofOf([run(13, { stdout: 'x\n' }), run(17, { stdout: 'x\n' })]))!;
    expect(text(all(same, hasClass('rb-versions__same'))[0]!)).toBe('same on every version');
    const single = outputView(proofOf([run(17)]))!;
    expect(hasClass('rb-output')(single)).toBe(true);
  });
});

describe('expected output', () => {
  const caption = (meta: string) => expectedCaption(classifyFence('text', meta));

  it('is captioned, and says when it is a pattern, an excerpt or some lines, and which stream', () => {
    expect(caption('output')).toEqual({ mode: 'exact', stream: 'stdout', label: 'Expected output' });
    expect(caption('output match=regex')).toMatchObject({ mode: 'regex', how: 'a pattern (regular expression), not literal output' });
    expect(caption('output match=contains stream=stderr')).toMatchObject({ label: 'Expected error output (stderr)', how: 'an excerpt: the output contains this text' });
    expect(caption('output match=lines stream=combined for=dump')).toMatchObject({ label: 'Expected output (stdout and stderr)', forId: 'dump' });
    expect(caption('output match=bogus')).toMatchObject({ mode: 'exact' });
  });
});

describe('anchors, host and user', () => {
  it('gives every step a unique step-<id> anchor, the default ids kept as they are', () => {
    const page = ['```bash run id=dump', 'a', '```', '', '```bash run', 'b', '```', '', '```sql run id=3', 'c', '```', '', '```bash run id=seed hidden', 'd', '```', ''].join('\n');
    const anchors = stepAnchors(readPageBlocks(page));
    expect([...anchors.values()]).toEqual(['step-dump', 'step-2', 'step-3', 'step-seed']);
    // `id=2` and the default `step-2` would meet: the later one is numbered.
    const clash = stepAnchors(readPageBlocks(['```bash run id=2', 'a', '```', '', '```bash run', 'b', '```', ''].join('\n')));
    expect([...clash.values()]).toEqual(['step-2', 'step-2-2']);
  });

  it('says which host and OS user run a step: as written (on=, as=), else the default, said to be one', () => {
    expect(whereNote(classifyFence('bash', 'run'), 'bash')).toMatchObject({ text: 'database host · postgres OS user', isDefault: true });
    expect(whereNote(classifyFence('sql', 'run'), 'sql')).toMatchObject({ text: 'psql · as a database superuser', isDefault: true });
    expect(whereNote(classifyFence('bash', 'run on="backup host" as=barman'), 'bash')).toMatchObject({ text: 'backup host · barman OS user', isDefault: false });
    expect(whereNote(classifyFence('bash', 'run on=standby'), 'bash').text).toBe('standby · postgres OS user');
    // server= runs it on that server's machine: the page names it so, unless on= words it for the reader.
    expect(whereNote(classifyFence('bash', 'run server=standby'), 'bash')).toMatchObject({ text: 'the standby server · postgres OS user', isDefault: false });
    expect(whereNote(classifyFence('bash', 'run server=standby on="db2 (the standby)"'), 'bash').text).toBe('db2 (the standby) · postgres OS user');
    expect(whereNote(classifyFence('bash', 'run server=primary'), 'bash').isDefault).toBe(true);
    // Only steps take them: a plain block's `on=` means nothing.
    expect(classifyFence('text', 'on=x').on).toBeUndefined();
  });
});

describe('tools', () => {
  const tools = documentedTools(readFileSync(path.join(ROOT, 'scripts', 'README.md'), 'utf8'));

  it('are the README\'s documented tools, never the machinery', () => {
    const paths = tools.map((t) => t.path);
    for (const tool of ['pg-fingerprint', 'pg-fingerprint-diff', 'dir-fingerprint', 'wal-archive-check', 'archive-wal', 'k8s/check-cronjob']) expect(paths).toContain(tool);
    for (const machinery of ['runbooks.mjs', 'setup.sh', 'images/build.sh']) expect(paths).not.toContain(machinery);
  });

  it('are found where a step calls them, not in a longer name or a path', () => {
    const names = (code: string) => toolsIn(code, tools).map((t) => t.name);
    expect(names('pg-fingerprint appdb > a\npg-fingerprint-diff a b')).toEqual(['pg-fingerprint', 'pg-fingerprint-diff']);
    expect(names('cat "$BACKUP_DIR/pg-fingerprint.txt"')).toEqual([]);
    expect(names("alter system set archive_command = 'archive-wal %p \"$ARCHIVE\"';")).toEqual(['archive-wal']);
    expect(names('if wal-archive-check "$ARCHIVE"; then echo ok; fi')).toEqual(['wal-archive-check']);
    expect(names('BACKUP_DIR=/x backup-postgres.sh')).toEqual(['backup-postgres.sh']);
  });
});

describe('the reader\'s values', () => {
  it('puts PGDATA, SERVER_LOG and ARCHIVE in the export line', () => {
    expect(exportLine({ PGDATA: '/srv/pg data', SERVER_LOG: '/var/log/pg.log', ARCHIVE: '/srv/archive', PGHOST: 'db1' }))
      .toBe("export PGHOST=db1 PGDATA='/srv/pg data' SERVER_LOG=/var/log/pg.log ARCHIVE=/srv/archive");
  });

  it('finds the variables a step expands and those it sets for later steps', () => {
    expect(variablesIn('pg_ctl -D "$PGDATA" -l ${SERVER_LOG} start; ls $ARCHIVE_OLD ${ARCHIVE:-/x}')).toEqual(['PGDATA', 'SERVER_LOG', 'ARCHIVE']);
    expect(variablesSetIn('export ARCHIVE="$BACKUP_DIR/wal-archive"\nmkdir -p "$ARCHIVE"')).toEqual(['ARCHIVE']);
    // A one-command assignment lasts for that command only.
    expect(variablesSetIn('BACKUP_DIR="$SMALL_DISK/backups" backup-postgres.sh')).toEqual([]);
    expect([namesExampleDatabase('pg_dump appdb > x'), namesExampleDatabase('createdb appdb_restored'), namesExampleDatabase('psql -d appdb-old')]).toEqual([true, false, false]);
  });

  it('hints at the value a step will take, or that the page sets it, and never claims more', () => {
    const values = { PGDATA: '/srv/pg', ARCHIVE: '/srv/archive', PGDATABASE: 'shop' };
    expect(valueHints({ uses: ['PGDATA', 'BACKUP_DIR'], sets: [], setBy: {}, namesExample: false }, values)).toEqual([{ text: 'With your values: PGDATA=/srv/pg' }]);
    expect(valueHints({ uses: ['ARCHIVE'], sets: [], setBy: { ARCHIVE: 'step-setup' }, namesExample: true }, values)).toEqual([
      { text: 'ARCHIVE is set by a step of this page, not from your values', href: '#step-setup' },
      { text: 'Names the example database appdb: yours is shop' },
    ]);
    expect(valueHints({ uses: ['ARCHIVE'], sets: ['ARCHIVE'], setBy: {}, namesExample: false }, values))
      .toEqual([{ text: 'Sets ARCHIVE itself: the steps after it use this page\'s value, not yours' }]);
    expect(valueHints({ uses: ['PGDATA'], sets: [], setBy: {}, namesExample: true }, {})).toEqual([]);
  });
});
