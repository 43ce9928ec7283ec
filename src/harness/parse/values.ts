import type { ExitExpectation, MatchMode, StepRole, Stream } from '../model.ts';

/** Parsers for attribute values. Each returns the value, or a message saying what was expected. */
export type ValueResult<T> = { ok: true; value: T } | { ok: false; expected: string };

const ok = <T>(value: T): ValueResult<T> => ({ ok: true, value });
const bad = <T>(expected: string): ValueResult<T> => ({ ok: false, expected });

/** `500ms`, `30s`, `2m`, `1h`, or a bare number of seconds. */
export function parseDuration(text: string): ValueResult<number> {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return bad('a duration such as 30s, 2m or 500ms');
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
  const ms = Math.round(n * factor);
  if (ms <= 0) return bad('a duration greater than zero');
  return ok(ms);
}

/** `0`, `3`, `1,2`, `nonzero`, `any`. */
export function parseExit(text: string): ValueResult<ExitExpectation> {
  const t = text.trim();
  if (t === 'any') return ok({ kind: 'any' });
  if (t === 'nonzero') return ok({ kind: 'nonzero' });
  if (/^\d{1,3}(,\d{1,3})*$/.test(t)) {
    const codes = t.split(',').map(Number);
    if (codes.every((c) => c <= 255)) return ok({ kind: 'codes', codes });
  }
  return bad('an exit status 0-255, a comma-separated list (1,2), `nonzero` or `any`');
}

const ID = /^[a-z0-9][a-z0-9_-]*$/;

export function parseId(text: string): ValueResult<string> {
  return ID.test(text) ? ok(text) : bad('lower-case letters, digits, `-` and `_`, starting with a letter or digit');
}

export function parseMatchMode(text: string): ValueResult<MatchMode> {
  const modes: MatchMode[] = ['exact', 'contains', 'lines', 'regex'];
  return (modes as string[]).includes(text) ? ok(text as MatchMode) : bad('one of exact, contains, lines, regex');
}

export function parseStream(text: string): ValueResult<Stream> {
  const streams: Stream[] = ['stdout', 'stderr', 'combined'];
  return (streams as string[]).includes(text) ? ok(text as Stream) : bad('one of stdout, stderr, combined');
}

export function parseRegex(text: string): ValueResult<string> {
  try {
    new RegExp(text, 'm');
    return ok(text);
  } catch (error) {
    return bad(`a valid regular expression (${(error as Error).message})`);
  }
}

export function parseNonEmpty(text: string): ValueResult<string> {
  return text.trim() ? ok(text) : bad('a non-empty text');
}

/** `17`, `>=17`, `<=16`, `13-16`: the PostgreSQL major versions a runbook applies to. */
export function parseVersionRange(text: string): ValueResult<{ min?: number; max?: number }> {
  const t = text.trim();
  const expected = 'a major version (17), a bound (>=17, <=16) or a range (13-16)';
  let m = /^(\d+)$/.exec(t);
  if (m) return ok({ min: Number(m[1]), max: Number(m[1]) });
  m = /^>=\s*(\d+)$/.exec(t);
  if (m) return ok({ min: Number(m[1]) });
  m = /^<=\s*(\d+)$/.exec(t);
  if (m) return ok({ max: Number(m[1]) });
  m = /^(\d+)\s*-\s*(\d+)$/.exec(t);
  if (m && Number(m[1]) <= Number(m[2])) return ok({ min: Number(m[1]), max: Number(m[2]) });
  return bad(expected);
}

/** `32M`, `64MB`, `1G`: a small filesystem's size, in MiB (1 to 4096). */
export function parseSizeMiB(text: string): ValueResult<number> {
  const m = /^(\d+)\s*(M|MB|MiB|G|GB|GiB)$/i.exec(text.trim());
  const mib = m ? Number(m[1]) * (/^g/i.test(m[2]!) ? 1024 : 1) : NaN;
  return mib >= 1 && mib <= 4096 ? ok(mib) : bad('a size from 1M to 4G, such as 32M');
}

const ROLES: StepRole[] = ['operator', 'drill', 'proof'];

/** A step's role: as written, else `proof` for a hidden step and `operator` for a shown one. */
export function stepRole(written: StepRole | undefined, hidden: boolean): StepRole {
  return written ?? (hidden ? 'proof' : 'operator');
}

export function parseRole(text: string): ValueResult<StepRole> {
  return (ROLES as string[]).includes(text) ? ok(text as StepRole) : bad('`operator`, `drill` or `proof`');
}
