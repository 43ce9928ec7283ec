import { HarnessError } from '../errors.ts';
import type { Sandbox, StartedSandbox } from './types.ts';

/** The run's `sandbox` in the report when its major had no server here: neither passed nor failed. */
export const NO_SERVER_KIND = 'none';

/** "no server for 16 here": the words the summary, the report and the site use. */
export function noServerHere(major: number): string {
  return `no server for ${major} here`;
}

/**
 * The matrix's stand-in for a major version this machine has no server for
 * (no image, none pullable, no binaries). It keeps the version in the matrix
 * so every page reports it, and each run ends at once as `skipped` (run.ts
 * turns Unavailable into skipped), saying "no server for 16 here"; the reason,
 * found once at selection, is in the description the plan prints. No probe,
 * no pull, no container per page.
 */
export class NoServerSandbox implements Sandbox {
  readonly kind = NO_SERVER_KIND;
  readonly description: string;
  readonly major: number;
  /** Why, found once: which images were looked for, what the pull said. */
  readonly reason: string;

  constructor(major: number, reason: string) {
    this.major = major;
    this.reason = reason;
    this.description = `${noServerHere(major)} (${reason})`;
  }

  async identity(): Promise<string> {
    return this.description;
  }

  async start(): Promise<StartedSandbox> {
    // Short: it is printed and reported once per page; the reason was printed once, in the plan.
    throw new HarnessError('Unavailable', noServerHere(this.major));
  }
}
