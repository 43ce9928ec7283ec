// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import { unified } from '@astrojs/markdown-remark';
import remarkRunbookBlocks from './src/site/remark-runbook-blocks.mjs';

// The runbooks live in the top-level `content/` (the harness reads them from
// there too); src/content.config.ts points the docs collection at it.
export default defineConfig({
  markdown: {
    // `markdown.remarkPlugins` is deprecated in Astro 7 (it silently switches
    // the processor); this is the current form. Starlight and Expressive Code
    // append their own plugins to this processor, after ours, so ours sees
    // each fence's raw meta before Expressive Code renders it.
    processor: unified({ remarkPlugins: [remarkRunbookBlocks] }),
  },
  integrations: [
    starlight({
      title: 'Proven Runbooks',
      description:
        'PostgreSQL backup, restore and disaster-recovery runbooks where every command was executed against a throwaway PostgreSQL before publishing.',
      // Starlight only applies asides and heading anchors to src/content/docs
      // unless told about other directories.
      markdown: { processedDirs: ['./content'] },
      sidebar: [
        { label: 'Backup', items: [{ autogenerate: { directory: 'content/backup' } }] },
        { label: 'Reference', items: [{ autogenerate: { directory: 'content/reference' } }] },
      ],
    }),
  ],
});
