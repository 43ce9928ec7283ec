/**
 * The docs collection's loader: Astro's glob loader over content/, which also
 * re-renders every page when the verification report changes.
 *
 * Each page's rendered HTML carries its proof (the remark plugin marks every
 * block from the report), and Astro keeps rendered pages until the page's own
 * text changes. A new report changes no page, so without this a running
 * `astro dev` would keep showing the old marks beside a new badge. The report's
 * digest is kept in the collection's metadata; when it differs, the store is
 * emptied and the glob loader renders everything again. (A build compares
 * the whole config, report digest included: src/site/integration.ts.)
 */
import { glob, type Loader } from 'astro/loaders';
import { reportDigest } from './site-fs.ts';

export const DOCS_LOADER = 'proven-runbooks-docs';

export function runbookDocsLoader(contentDir: string, reportPath: string): Loader {
  // Files starting with `_` are ignored, as with Starlight's docsLoader().
  const inner = glob({ base: contentDir, pattern: '**/[^_]*.{md,mdx}' });
  return {
    name: DOCS_LOADER,
    load: async (context) => {
      const digest = reportDigest(reportPath);
      if (context.meta.get('report-digest') !== digest) {
        context.store.clear();
        context.meta.set('report-digest', digest);
      }
      await inner.load(context);
    },
  };
}
