/**
 * /scripts/<page>.sh: each runbook page with visible steps as a bash script
 * (src/site/script.ts), generated at build time next to the page.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { getCollection } from 'astro:content';
import settings from 'virtual:proven-runbooks/settings';
import { loadPageProof } from '../../site/site-fs.ts';
import { noScriptReason, runbookScript } from '../../site/script.ts';

export const getStaticPaths = (async () => {
  const entries = await getCollection('docs');
  return entries.flatMap((entry) => {
    const proof = loadPageProof(settings, entry.filePath);
    if (!proof || noScriptReason(proof.blocks) !== undefined) return [];
    return [{ params: { slug: entry.id }, props: { filePath: entry.filePath, title: entry.data.title } }];
  });
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props, params }) => {
  const { filePath, title } = props as { filePath: string; title: string };
  const proof = loadPageProof(settings, filePath)!;
  const script = runbookScript(proof, { title, url: `/${params.slug}/`, commit: settings.commit, draft: settings.draft });
  return new Response(script, { headers: { 'Content-Type': 'text/x-shellscript; charset=utf-8' } });
};
