import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';

export const collections = {
  // Starlight's docsLoader() only reads src/content/docs; our pages live in the
  // top-level content/ so the harness and the site read the same files.
  // Files starting with `_` are ignored, as with docsLoader().
  docs: defineCollection({
    loader: glob({ base: './content', pattern: '**/[^_]*.{md,mdx}' }),
    schema: docsSchema({
      extend: z.object({
        // Read by the harness (default per-step timeout); validated here so a
        // typo in the frontmatter fails the build instead of being dropped.
        runbook: z.object({ timeout: z.string().optional() }).optional(),
      }),
    }),
  }),
  // No UI translations. Starlight 0.42 calls getCollection('i18n')
  // unconditionally and Astro 7 warns on every build when that collection is
  // missing or empty, so it holds one entry that overrides nothing.
  i18n: defineCollection({
    loader: {
      name: 'no-ui-translations',
      load: async ({ store, parseData }) => {
        store.clear();
        store.set({ id: 'en', data: await parseData({ id: 'en', data: {} }) });
      },
    },
    schema: i18nSchema(),
  }),
};
