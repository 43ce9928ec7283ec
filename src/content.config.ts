import { defineCollection } from 'astro:content';
import { z } from 'astro/zod';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { contentDirFrom, reportPathFrom } from './site/settings.ts';
import { runbookDocsLoader } from './site/docs-loader.ts';

export const collections = {
  // Starlight's docsLoader() only reads src/content/docs; our pages live in the
  // top-level content/ so the harness and the site read the same files.
  // RUNBOOKS_CONTENT may name a stand-in directory (tests build an altered
  // copy of the pages). The loader also re-renders the pages when the
  // verification report changes (src/site/docs-loader.ts).
  docs: defineCollection({
    loader: runbookDocsLoader(contentDirFrom(process.env, process.cwd()), reportPathFrom(process.env, process.cwd())),
    schema: docsSchema({
      extend: z.object({
        // Read by the harness (the parser validates it with positions); the
        // site only needs it to be accepted.
        runbook: z.object({
          timeout: z.string().optional(),
          postgres: z.union([z.string(), z.number()]).optional(),
          servers: z.record(z.string(), z.union([z.number(), z.literal('same'), z.record(z.string(), z.number())])).optional(),
          'small-disk': z.string().optional(),
          'unproven-restore': z.string().optional(),
          sandbox: z.literal('containers').optional(),
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
