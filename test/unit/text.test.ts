import { describe, expect, it } from 'vitest';
import { formatDuration, shellQuote } from '../../src/harness/text/index.ts';

describe('shared text rules', () => {
  it('quotes a shell word only when it must', () => {
    expect(['appdb', 'a/b.sql', 'user@host:5432', '', 'two words', "it's", '$HOME', 'a;b'].map(shellQuote)).toMatchInlineSnapshot(`
      [
        "appdb",
        "a/b.sql",
        "user@host:5432",
        "''",
        "'two words'",
        "'it'\\''s'",
        "'$HOME'",
        "'a;b'",
      ]
    `);
  });

  it('writes durations short enough for a progress line', () => {
    expect([0, 210, 9_994, 9_996, 12_345, 59_949, 60_000, 125_400].map(formatDuration)).toMatchInlineSnapshot(`
      [
        "0.00s",
        "0.21s",
        "9.99s",
        "10.00s",
        "12.3s",
        "59.9s",
        "1m00s",
        "2m05s",
      ]
    `);
  });
});
