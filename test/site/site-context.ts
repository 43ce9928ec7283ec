/**
 * What site.test.ts's one verification, build and browser give the browser
 * cases kept in other files (incident view, reading aids, estimates): they run
 * inside site.test.ts, so the whole guide is verified and built once per run.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import type { Report } from '../../src/harness/report/format.ts';
import type { PageCase } from './site-pages.ts';

export interface SiteContext {
  report: Report;
  pages: PageCase[];
  /** `http://127.0.0.1:port` of `astro preview`. */
  origin: string;
  browser: Browser;
  /** 1280×900, clipboard allowed. */
  context: BrowserContext;
  /** The build was a draft: some page could not be proven on this machine. */
  draft: boolean;
}

/** A file of browser cases: registers its describe/it blocks; `site()` is ready once the tests run. */
export type SiteCases = (site: () => SiteContext) => void;
