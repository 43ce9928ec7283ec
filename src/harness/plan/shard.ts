/** One of N shards of the matrix (`--shard 2/3`); `index` is 1-based. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Splits work into `count` shards deterministically and evenly: longest
 * first, each onto the shard with the least work so far (ties: the lowest
 * shard, then by key). Weights are recorded durations where known, else 1.
 * Pure: the same keys and weights give the same split on every machine.
 */
export function assignShards(keys: string[], count: number, weight: (key: string) => number | undefined): Map<string, number> {
  const known = keys.map((k) => weight(k)).filter((w): w is number => w !== undefined && w > 0);
  const fallback = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const ordered = [...keys].map((key) => ({ key, weight: weight(key) ?? fallback }))
    .sort((a, b) => b.weight - a.weight || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const load = new Array<number>(count).fill(0);
  const assignment = new Map<string, number>();
  for (const { key, weight: w } of ordered) {
    let best = 0;
    for (let i = 1; i < count; i++) if (load[i]! < load[best]!) best = i;
    load[best]! += w;
    assignment.set(key, best + 1);
  }
  return assignment;
}

/** `2/3` → { index: 2, count: 3 }. */
export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && count >= 1 && index <= count ? { index, count } : undefined;
}
