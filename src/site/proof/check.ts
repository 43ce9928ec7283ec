/**
 * The publishing rule: the build refuses to show a page whose proof is not
 * true. Pure: the pages' text and the report come in, problems come out.
 *
 * A problem is a page with runnable steps that is stale (its text is not the
 * text the report ran), missing from the report, ran on no version, or failed.
 * Pages without steps (the landing page, a reference table) have nothing to
 * prove; their skipped blocks already say "Not verified" on the page.
 */
import type { Report } from '../../harness/report/format.ts';
import { pageProof, type ProblemKind } from './page-proof.ts';

export interface PageSource {
  /** As the harness names it: `content/backup/x.md`. */
  file: string;
  source: string;
}

export interface Problem {
  file: string;
  kind: ProblemKind;
  message: string;
}

export function findProblems(report: Report | undefined, pages: PageSource[]): Problem[] {
  const problems: Problem[] = [];
  for (const page of pages) {
    const proof = pageProof(report, page.file, page.source);
    if (proof.problem) problems.push({ file: page.file, ...proof.problem });
  }
  return problems.sort((a, b) => a.file.localeCompare(b.file));
}

const FIX: Record<ProblemKind, string> = {
  stale: 're-verify it',
  missing: 're-verify it',
  'not-run': 'verify it where its PostgreSQL versions are available (`--sandbox docker`)',
  failed: 'fix the page or the commands, then re-verify',
};

/** A build error in Astro's voice: what is wrong, per page, then how to fix it. */
export function describeProblems(problems: Problem[], reportPath: string): { message: string; hint: string } {
  const lines = problems.map((p) => `  - ${p.file}: ${p.message}; ${FIX[p.kind]}`);
  const pages = new Set(problems.map((p) => p.file)).size;
  return {
    message: `Refusing to publish ${pages} page(s) whose proof does not match the verification report (${reportPath}):\n${lines.join('\n')}`,
    hint: 'Run `npm run verify` (it rewrites the report), then build again. To preview anyway, build a draft: '
      + '`RUNBOOKS_DRAFT=1 npm run build` (or `npm run dev`) shows these pages as not verified instead of failing.',
  };
}
