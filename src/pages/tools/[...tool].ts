/**
 * /tools/<path>: each documented tool of scripts/ (scripts/README.md, "Tools"),
 * byte for byte as the runbooks ran it, for readers to download; steps link
 * to the first call of each (src/site/remark-runbook-blocks.ts). Machinery
 * files are not in that list and are never served.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIRoute, GetStaticPaths } from 'astro';
import settings from 'virtual:proven-runbooks/settings';
import { readTools } from '../../site/tools.ts';

export const getStaticPaths = (() => readTools(settings.root).map((tool) => ({ params: { tool: tool.path } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => {
  const body = readFileSync(path.join(settings.root, 'scripts', params.tool!));
  // text/plain: a browser shows the script rather than running or mangling it; the link's `download` saves it.
  return new Response(body, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
};
