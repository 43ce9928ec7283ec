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
        // Read by the harness (the parser validates it with positions); the
        // site only needs it to be accepted.
        runbook: z.object({
          timeout: z.string().optional(),
          postgres: z.union([z.string(), z.number()]).optional(),
          servers: z.record(z.string(), z.number()).optional(),
        }).strict().optional(),
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
