/**
 * Aligned psql tables holding a masked sandbox path: the padding comes from
 * the real path, so it differs between sandboxes. The outputs below are real:
 * psql 15 printed them (through the harness, paths already masked) in the
 * local sandbox (`/tmp/runbooks-sandbox-XXXXXX/backups`) and in a container
 * (`/sandbox/backups`), from the same commands:
 *   two-cols:  select f.name as file, f.bytes from (values ('$BACKUP_DIR/base.tar', 8192), …) as f(name, bytes)
 *   one-col:   select '$BACKUP_DIR/wal/%f' as archive_target
 *   expanded:  psql -x, select 'local' as kind, '$BACKUP_DIR/base.tar' as path
 *   formats:   a multi-line cell, then border=2, linestyle=unicode, and unicode with -x
 */
import { describe, expect, it } from 'vitest';
import { verifyStep } from '../../src/harness/verify/index.ts';
import { hasMaskedTable, withoutTablePadding } from '../../src/harness/verify/table-padding.ts';
import type { OutputExpectation } from '../../src/harness/model.ts';
import { expectation, makeOutcome, makeStep } from './build.ts';

const CAPTURED: Record<string, { local: string; container: string }> = {
  'two-cols': {
    local: "                      file                       |  bytes   \n-------------------------------------------------+----------\n $BACKUP_DIR/base.tar   |     8192\n $BACKUP_DIR/pg_wal.tar | 16777216\n manifest                                        |       42\n(3 rows)\n\n",
    container: "            file             |  bytes   \n-----------------------------+----------\n $BACKUP_DIR/base.tar   |     8192\n $BACKUP_DIR/pg_wal.tar | 16777216\n manifest                    |       42\n(3 rows)\n\n",
  },
  'one-col': {
    local: "               archive_target                \n---------------------------------------------\n $BACKUP_DIR/wal/%f\n(1 row)\n\n",
    container: "     archive_target      \n-------------------------\n $BACKUP_DIR/wal/%f\n(1 row)\n\n",
  },
  'expanded': {
    local: "-[ RECORD 1 ]---------------------------------------\nkind | local\npath | $BACKUP_DIR/base.tar\n\n",
    container: "-[ RECORD 1 ]-------------------\nkind | local\npath | $BACKUP_DIR/base.tar\n\n",
  },
  'formats': {
    local: " k |                   v                    | n \n---+----------------------------------------+---\n a | $BACKUP_DIR/x+| 1\n   | second                                 | \n(1 row)\n\n+---+----------------------------------------+\n| k |                   v                    |\n+---+----------------------------------------+\n| a | $BACKUP_DIR/x |\n+---+----------------------------------------+\n(1 row)\n\n k │                   v                    \n───┼────────────────────────────────────────\n a │ $BACKUP_DIR/x\n(1 row)\n\n─[ RECORD 1 ]─────────────────────────────\nk │ a\nv │ $BACKUP_DIR/x\n\n",
    container: " k |         v          | n \n---+--------------------+---\n a | $BACKUP_DIR/x+| 1\n   | second             | \n(1 row)\n\n+---+--------------------+\n| k |         v          |\n+---+--------------------+\n| a | $BACKUP_DIR/x |\n+---+--------------------+\n(1 row)\n\n k │         v          \n───┼────────────────────\n a │ $BACKUP_DIR/x\n(1 row)\n\n─[ RECORD 1 ]─────────\nk │ a\nv │ $BACKUP_DIR/x\n\n",
  },
};

const judge = (e: OutputExpectation, stdout: string): string[] =>
  verifyStep(makeStep({ expectations: [e] }), makeOutcome({ stdout })).map((f) => f.expected);

describe('an aligned psql table holding a masked path', () => {
  it('differs between the sandboxes only in padding (the premise)', () => {
    for (const { local, container } of Object.values(CAPTURED)) {
      expect(local).not.toBe(container);
      expect(withoutTablePadding(local)).toBe(withoutTablePadding(container));
    }
  });

  for (const [name, { local, container }] of Object.entries(CAPTURED)) {
    it(`${name}: one expected block passes in both sandboxes, whichever it was copied from`, () => {
      for (const mode of ['exact', 'contains', 'lines'] as const) {
        for (const written of [local, container]) {
          expect(judge(expectation(mode, written), local), `${mode}, local`).toEqual([]);
          expect(judge(expectation(mode, written), container), `${mode}, container`).toEqual([]);
        }
      }
    });
  }

  it('still fails on any difference of content: a value, a name, a row, a header, a border', () => {
    const { local, container } = CAPTURED['two-cols']!;
    const edits: [string, string][] = [
      ['16777216', '16777215'], ['pg_wal.tar', 'pg_wal.tgz'], ['$BACKUP_DIR/base', '$PGDATA/base'],
      [' manifest                    |       42\n', ''], ['file ', 'name '], ['-----+', '-----|'], ['(3 rows)', '(4 rows)'],
    ];
    for (const [from, to] of edits) {
      const written = container.replace(from, to);
      expect(written, from).not.toBe(container);
      expect(judge(expectation('exact', written), local), `${from} → ${to}`).toEqual(['stdout to be exactly ' + JSON.stringify(written.replace(/ +\n/g, '\n').replace(/\n+$/, ''))]);
    }
    // Words run together are content, not padding.
    expect(judge(expectation('contains', '$BACKUP_DIR/base.tar|8192'), local)).toHaveLength(1);
    expect(judge(expectation('contains', 'manifest 42'), local)).toHaveLength(1);
    // A bar inside a cell is content too: only a padded bar separates columns.
    const cell = ' k | v\n---+--------------------\n a | $BACKUP_DIR/a|b\n(1 row)\n';
    expect(judge(expectation('exact', cell.replace('a|b', 'a | b')), cell)).toHaveLength(1);
    expect(judge(expectation('exact', cell.replace('---+----', '---+--')), cell)).toEqual([]);
  });

  it('keeps the negation honest: text that is there modulo padding is there', () => {
    const { local, container } = CAPTURED['one-col']!;
    expect(judge(expectation('exact', container, { negate: true }), local)).toHaveLength(1);
    expect(judge(expectation('contains', 'nothing like this', { negate: true }), local)).toEqual([]);
  });
});

describe('output without a masked path in a table is compared as written', () => {
  const table = ' k |  v\n---+-----\n a | abc\n(1 row)\n';

  it('does not forgive padding in a table of plain values', () => {
    expect(hasMaskedTable(table)).toBe(false);
    expect(judge(expectation('exact', table.replace('---+-----', '---+---')), table)).toHaveLength(1);
    expect(judge(expectation('exact', table.replace(' a | abc', ' a  | abc')), table)).toHaveLength(1);
  });

  it('does not forgive padding around a masked path outside a table', () => {
    const text = 'backup written to $BACKUP_DIR/base.tar\n  size | 8192\n';
    expect(hasMaskedTable(text)).toBe(false);
    expect(judge(expectation('exact', 'backup written to $BACKUP_DIR/base.tar\nsize | 8192'), text)).toHaveLength(1);
  });

  it('leaves regular expressions to their author', () => {
    const { local } = CAPTURED['one-col']!;
    expect(judge(expectation('regex', '^\\s+archive_target\\s+$'), local)).toEqual([]);
    expect(judge(expectation('regex', '^ {5}archive_target$'), local)).toHaveLength(1);
  });

  it('finds the path in a table only between its border and its footer', () => {
    expect(hasMaskedTable(CAPTURED['two-cols']!.local)).toBe(true);
    expect(hasMaskedTable(CAPTURED['expanded']!.local)).toBe(true);
    expect(hasMaskedTable(' n\n---\n 1\n(1 row)\n\n$BACKUP_DIR/x\n')).toBe(false);
  });
});
