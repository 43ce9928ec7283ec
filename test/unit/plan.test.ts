import { describe, expect, it } from 'vitest';
import { planRunbook, scriptFor } from '../../src/harness/plan/index.ts';
import { describeRange, planMatrix } from '../../src/harness/plan/matrix.ts';
import { runKey } from '../../src/harness/plan/run-key.ts';
import { recordedDurations, selectShard } from '../../src/harness/plan/select-shard.ts';
import { assignShards, parseShard } from '../../src/harness/plan/shard.ts';
import { makeRunbook, makeStep } from './build.ts';

describe('planning the version matrix', () => {
  const any = makeRunbook('content/a.md');
  const from17 = makeRunbook('content/b.md', { settings: { timeoutMs: 1, versions: { min: 17 }, servers: [] } });
  const only15 = makeRunbook('content/c.md', { settings: { timeoutMs: 1, versions: { min: 15, max: 15 } , servers: [] } });

  it('runs each runbook on each allowed version, page by page, versions sorted once', () => {
    const { entries, notApplicable } = planMatrix([any, from17, only15], [18, 13, 17, 13, 15]);
    expect(entries.map((e) => runKey(e.runbook.file, e.major))).toMatchInlineSnapshot(`
      [
        "content/a.md@13",
        "content/a.md@15",
        "content/a.md@17",
        "content/a.md@18",
        "content/b.md@17",
        "content/b.md@18",
        "content/c.md@15",
      ]
    `);
    expect(notApplicable.map((n) => `${runKey(n.runbook.file, n.major)}: ${n.reason}`)).toMatchInlineSnapshot(`
      [
        "content/b.md@13: applies to PostgreSQL 17 or later",
        "content/b.md@15: applies to PostgreSQL 17 or later",
        "content/c.md@13: applies to PostgreSQL 15",
        "content/c.md@17: applies to PostgreSQL 15",
        "content/c.md@18: applies to PostgreSQL 15",
      ]
    `);
  });

  it('describes a version range in words', () => {
    expect([{}, { min: 15 }, { max: 15 }, { min: 13, max: 17 }, { min: 17, max: 17 }].map(describeRange)).toMatchInlineSnapshot(`
      [
        "any PostgreSQL",
        "PostgreSQL 15 or later",
        "PostgreSQL 15 or earlier",
        "PostgreSQL 13-17",
        "PostgreSQL 17",
      ]
    `);
  });
});

describe('splitting the matrix into shards', () => {
  it('puts the longest runs first, each on the least loaded shard', () => {
    const durations = new Map([['a', 90], ['b', 60], ['c', 50], ['d', 40], ['e', 10]]);
    const assignment = assignShards(['e', 'd', 'c', 'b', 'a'], 2, (k) => durations.get(k));
    expect(Object.fromEntries(assignment)).toMatchInlineSnapshot(`
      {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 1,
        "e": 2,
      }
    `);
  });

  it('weighs runs without a recorded duration as the average of the others, and breaks ties by key', () => {
    const known = new Map([['slow', 300], ['fast', 100]]);
    // new1 and new2 weigh 200 each: slow | new1, then fast (the lower of two equal loads) | new2.
    expect(Object.fromEntries(assignShards(['new2', 'fast', 'new1', 'slow'], 3, (k) => known.get(k)))).toMatchInlineSnapshot(`
      {
        "fast": 2,
        "new1": 2,
        "new2": 3,
        "slow": 1,
      }
    `);
    // Nothing recorded: one run each, in key order.
    expect(Object.fromEntries(assignShards(['c', 'a', 'b'], 3, () => undefined))).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('gives the same split whatever order the keys come in', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `content/p${i}.md@17`);
    const weight = (k: string) => (k.length * 37) % 11;
    const forward = Object.fromEntries(assignShards(keys, 3, weight));
    expect(Object.fromEntries(assignShards([...keys].reverse(), 3, weight))).toEqual(forward);
  });

  it('reads --shard I/N and refuses anything else', () => {
    expect(['1/1', '2/3', ' 3/3 ', '0/3', '4/3', '1/0', '1', 'a/b', '1/2/3'].map((t) => parseShard(t) ?? null)).toMatchInlineSnapshot(`
      [
        {
          "count": 1,
          "index": 1,
        },
        {
          "count": 3,
          "index": 2,
        },
        {
          "count": 3,
          "index": 3,
        },
        null,
        null,
        null,
        null,
        null,
        null,
      ]
    `);
  });

  it('selects this shard\'s runs by recorded durations, and the n/a pairs on shard 1 only', () => {
    const pages = ['a', 'b', 'c'].map((p) => makeRunbook(`content/${p}.md`));
    const planned = planMatrix(pages, [15, 17]);
    planned.notApplicable.push({ runbook: pages[0]!, major: 13, reason: 'applies to PostgreSQL 15 or later' });
    const durations = recordedDurations({ runbooks: [
      { file: 'content/a.md', major: 15, durationMs: 5000 }, { file: 'content/a.md', major: 17, durationMs: 4000 },
      { file: 'content/b.md', major: 15, durationMs: 1000 },
    ] });
    const shards = [1, 2].map((index) => selectShard(planned, { index, count: 2 }, durations));
    expect(shards.map((s) => [s.entries.map((e) => runKey(e.runbook.file, e.major)).join(' '), s.notApplicable.length])).toMatchInlineSnapshot(`
      [
        [
          "content/a.md@15 content/b.md@15 content/c.md@15",
          1,
        ],
        [
          "content/a.md@17 content/b.md@17 content/c.md@17",
          0,
        ],
      ]
    `);
    expect(recordedDurations(undefined).size).toBe(0);
  });
});

describe('the text each step sends to the shell', () => {
  it('sends a shell step exactly as written', () => {
    const step = makeStep({ code: 'pg_dump "$db" | gzip >x.gz\necho done' });
    expect(scriptFor(step)).toBe(step.code);
  });

  it('sends SQL to psql on stdin, with a quoted database and a delimiter the SQL does not contain', () => {
    const sql = (code: string, database?: string) => scriptFor(makeStep({ language: 'sql', lang: 'sql', code, database }));
    expect([sql('select 1;'), sql('select 1;', "it's"), sql('select $$\nSQL\nSQL_1\n$$;', 'appdb')]).toMatchInlineSnapshot(`
      [
        "psql -X -v ON_ERROR_STOP=1 <<'SQL'
      select 1;
      SQL",
        "psql -X -v ON_ERROR_STOP=1 -d 'it'\\''s' <<'SQL'
      select 1;
      SQL",
        "psql -X -v ON_ERROR_STOP=1 -d appdb <<'SQL_2'
      select $$
      SQL
      SQL_1
      $$;
      SQL_2",
      ]
    `);
  });

  it('plans every step of a runbook in order', () => {
    const runbook = makeRunbook('content/a.md', { steps: [makeStep({ id: 'one' }), makeStep({ id: 'two', language: 'sql', code: 'select 2;' })] });
    expect(planRunbook(runbook).steps.map((p) => [p.step.id, p.script])).toEqual([
      ['one', runbook.steps[0]!.code],
      ['two', "psql -X -v ON_ERROR_STOP=1 <<'SQL'\nselect 2;\nSQL"],
    ]);
  });
});
