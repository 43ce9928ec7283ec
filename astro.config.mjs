// @ts-check
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import { unified } from '@astrojs/markdown-remark';
import remarkRunbookBlocks from './src/site/remark-runbook-blocks.ts';
import { remarkRawMeta } from './src/harness/parse/raw-meta.ts';
import { provenRunbooks } from './src/site/integration.ts';
import { contentDirFrom } from './src/site/settings.ts';
import { sidebarGroups } from './src/site/sidebar.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

// The proof: checks every page against the verification report before the
// build generates anything (src/site/integration.ts), and hands the same
// settings to the remark plugin that marks each block.
const runbooks = provenRunbooks();

// The runbooks live in the top-level `content/` (the harness reads them from
// there too); src/content.config.ts points the docs collection at it.
export default defineConfig({
  // Test builds keep their own cache so they never race a build in the tree.
  ...(process.env.RUNBOOKS_CACHE_DIR ? { cacheDir: process.env.RUNBOOKS_CACHE_DIR } : {}),
  markdown: {
    // `markdown.remarkPlugins` is deprecated in Astro 7 (it silently switches
    // the processor); this is the current form. Starlight and Expressive Code
    // append their own plugins to this processor, after ours, so ours sees
    // each fence's raw meta before Expressive Code renders it.
    // remarkRawMeta first: CommonMark decodes backslash escapes in a fence's
    // info string, which would turn `stderr-contains="a \"b\""` into two
    // attributes; the harness reads the meta as written, and so must the site.
    processor: unified({ remarkPlugins: [remarkRawMeta, [remarkRunbookBlocks, runbooks.handle]] }),
  },
  integrations: [
    runbooks.integration,
    starlight({
      title: 'Proven Runbooks',
      description:
        'PostgreSQL backup, restore and disaster-recovery runbooks where every command was executed against a throwaway PostgreSQL before publishing.',
      // Starlight only applies asides and heading anchors to src/content/docs
      // unless told about other directories.
      markdown: { processedDirs: [contentDirFrom(process.env, root)] },
      // The copy button must copy exactly the text that ran. Expressive Code
      // drops `#` lines from shell blocks by default, which would also drop
      // lines inside here-documents (a crontab's header, a config file). It
      // also turns a first-line `# /etc/…` comment into the frame's title and
      // removes it from the code, so the copy would lose the file's path.
      expressiveCode: { frames: { removeCommentsWhenCopyingTerminalFrames: false, extractFileNameFromCode: false } },
      components: { PageTitle: './src/components/PageTitle.astro' },
      customCss: ['./src/styles/runbooks.css', './src/styles/incident.css', './src/styles/estimate.css'],
      sidebar: [
        { label: 'Proof', items: [{ label: 'Verification matrix', link: '/matrix/' }] },
        ...sidebarGroups(root, contentDirFrom(process.env, root)),
      ],
    }),
  ],
});
