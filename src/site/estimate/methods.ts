/**
 * The arithmetic of a ```estimate fence (compare.ts renders it): the time a
 * method's backup and recovery would take on the reader's sizes, scaled from
 * the phases a step measured. Pure, and free of Node imports: the browser
 * script (client.ts) calls the same function as the build, so the first text
 * and the text after the reader types agree.
 */
import { formatEstimate, type SizeOf } from './estimate.ts';

/** What a phase's time grows with: the database, the WAL to replay, or nothing. */
export type Scales = SizeOf | 'fixed';
export const SCALES: readonly Scales[] = ['database', 'wal', 'fixed'];

/** One measured row of the step's table. */
export interface Phase {
  phase: string;
  /** Measured seconds. */
  seconds: number;
  /** MB (MiB) the phase processed: the database's for `database`, the WAL's for `wal`; unused for `fixed`. */
  mb: number;
  scales: Scales;
}

/** The reader's sizes in GB (1 GB = 1024 MB, as PostgreSQL counts); NaN when not given. */
export type Sizes = Record<SizeOf, number>;

/** The phase called `backup` is the time to take the backup; every other phase is part of the recovery. */
export type Column = 'backup' | 'recovery';
export const columnOf = (phase: string): Column => (phase === 'backup' ? 'backup' : 'recovery');

/** Seconds of one phase at the reader's sizes: linear in the size for `database`/`wal`, as measured for `fixed`. */
export function phaseSeconds(phase: Phase, sizes: Sizes): number {
  if (phase.scales === 'fixed') return phase.seconds;
  const gb = sizes[phase.scales];
  if (!(gb >= 0) || !(phase.mb > 0)) return Number.NaN;
  return phase.seconds * ((gb * 1024) / phase.mb);
}

/** A column's phases one after the other: the sum; undefined when the method measured none for it. */
export function columnSeconds(phases: Phase[], sizes: Sizes): number | undefined {
  if (phases.length === 0) return undefined;
  return phases.reduce((sum, p) => sum + phaseSeconds(p, sizes), 0);
}

/** What a cell says: the same words on the server and in the browser. */
export function cellText(phases: Phase[], sizes: Sizes): string {
  const seconds = columnSeconds(phases, sizes);
  return seconds === undefined ? '—' : formatEstimate(seconds);
}

/** The size a text field holds: NaN when empty or not a number. */
export function sizeFrom(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}
