import { describe, expect, it } from 'vitest';
import { maskVolatile } from '../../src/harness/report/volatile.ts';

describe('masking what changes on every run', () => {
  it('masks clock times, backup name stamps and process ids', () => {
    expect(maskVolatile('2026-11-27 05:10:11.123 UTC [4711] LOG:  database system is ready')).toBe('YYYY-MM-DD hh:mm:ss [PID] LOG:  database system is ready');
    expect(maskVolatile('backup_20261127_051011.sql.gz')).toBe('backup_YYYYMMDD_hhmmss.sql.gz');
    expect(maskVolatile('started at 2026-11-27T05:10:11Z, server pid 4711')).toBe('started at YYYY-MM-DD hh:mm:ss, server pid PID');
    expect(maskVolatile('now() = 2026-11-27 05:10:11.5+00')).toBe('now() = YYYY-MM-DD hh:mm:ss');
  });

  it('masks pgBackRest labels and exec ids, our scripts\' pid-named scratch databases and durations, OpenSSL thread ids', () => {
    expect(maskVolatile('full backup: 20261127-084125F\nincr backup: 20261127-084125F_20261127-084140I'))
      .toBe('full backup: YYYYMMDD-hhmmssF\nincr backup: YYYYMMDD-hhmmssF_YYYYMMDD-hhmmssI');
    expect(maskVolatile('command begin 2.45: --exec-id=30004-f6ce32d3 --stanza=main')).toBe('command begin 2.45: --exec-id=PID-XXXXXXXX --stanza=main');
    expect(maskVolatile('into the staging database restore_tmp_29366_1795768877; scratch verify_restore_32259'))
      .toBe('into the staging database restore_tmp_PID; scratch verify_restore_PID');
    expect(maskVolatile('status=ok database=appdb bytes=19413 seconds=12 kept=1')).toBe('status=ok database=appdb bytes=19413 seconds=N kept=1');
    expect(maskVolatile('408770D1DC7F0000:error:1C800064:Provider routines::bad decrypt')).toBe('THREAD:error:1C800064:Provider routines::bad decrypt');
  });

  it('leaves stable output alone', () => {
    const text = ' count\n-------\n   120\n(1 row)\n\nfingerprints match: 4 tables (198 rows)\nLSN 0/3000028';
    expect(maskVolatile(text)).toBe(text);
  });
});
