import { describe, expect, it } from 'vitest';
import { maskVolatile } from '../../src/harness/report/volatile.ts';

describe('masking what changes on every run', () => {
  it('masks clock times, backup name stamps and process ids', () => {
    expect(maskVolatile('2026-11-27 05:10:11.123 UTC [4711] LOG:  database system is ready')).toBe('YYYY-MM-DD hh:mm:ss [PID] LOG:  database system is ready');
    expect(maskVolatile('backup_20261127_051011.sql.gz')).toBe('backup_YYYYMMDD_hhmmss.sql.gz');
    expect(maskVolatile('started at 2026-11-27T05:10:11Z, server pid 4711')).toBe('started at YYYY-MM-DD hh:mm:ss, server pid PID');
    expect(maskVolatile('now() = 2026-11-27 05:10:11.5+00')).toBe('now() = YYYY-MM-DD hh:mm:ss');
  });

  it('leaves stable output alone', () => {
    const text = ' count\n-------\n   120\n(1 row)\n\nfingerprints match: 4 tables (198 rows)\nLSN 0/3000028';
    expect(maskVolatile(text)).toBe(text);
  });
});
