/**
 * The Astro integration that ties the site to its proof.
 *
 * At `astro:config:setup`, before any page is generated, it reads every page
 * and the verification report and applies the publishing rule
 * (proof/check.ts): a strict build stops with an error naming each page whose
 * proof does not hold; a draft (default for `astro dev`, or RUNBOOKS_DRAFT=1)
 * logs them and renders them as "not verified".
 *
 * It also hands the resolved settings to the two places that render proof:
 * the remark plugin (per-block marks, through the shared `handle`) and the
 * components and endpoints (through a virtual module), so both read the same
 * report with the same draft rule.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { AstroError } from 'astro/errors';
import { describeProblems, findProblems } from './proof/check.ts';
import { DOCS_LOADER } from './docs-loader.ts';
import { contentDirFrom, displayPath, draftFrom, reportPathFrom, type SiteSettings } from './settings.ts';
import { gitCommit, readContentPages, readReport, reportDigest, siteCodeDigest } from './site-fs.ts';

/** Filled in at config set-up; the remark plugin reads it when it renders a page. */
export interface ProofHandle {
  settings?: SiteSettings;
}

const VIRTUAL_ID = 'virtual:proven-runbooks/settings';

export function provenRunbooks(): { integration: AstroIntegration; handle: ProofHandle } {
  // The handle sits in the remark plugin's options, which Astro serialises into
  // the digest of its rendered-Markdown cache: a new report, draft flag,
  // commit or rendering code therefore re-renders every page instead of
  // serving stale proof.
  const handle: ProofHandle = {};
  const integration: AstroIntegration = {
    name: 'proven-runbooks',
    hooks: {
      'astro:config:setup': ({ command, config, updateConfig, logger }) => {
        const root = fileURLToPath(config.root);
        const env = process.env;
        const contentDir = contentDirFrom(env, root);
        const reportPath = reportPathFrom(env, root);
        const settings: SiteSettings = {
          root, contentDir, reportPath, draft: draftFrom(env, command),
          commit: gitCommit(root, contentDir, env), reportDigest: reportDigest(reportPath),
          codeDigest: siteCodeDigest(fileURLToPath(new URL('.', import.meta.url)), path.join(root, 'astro.config.mjs')),
        };
        handle.settings = settings;
        updateConfig({ vite: { plugins: [virtualSettings(settings)] } });
        if (command !== 'build' && command !== 'dev') return;

        const problems = findProblems(readReport(reportPath), readContentPages(contentDir));
        if (problems.length === 0) return;
        const { message, hint } = describeProblems(problems, displayPath(root, reportPath));
        if (!settings.draft) throw new AstroError(message, hint);
        logger.warn(`Draft: these pages are shown as not verified.\n${message.split('\n').slice(1).join('\n')}`);
      },
      // `astro dev`: a new report re-renders every page's proof (the docs
      // loader empties its store when the report's digest changes).
      'astro:server:setup': ({ server, refreshContent, logger }) => {
        const reportPath = handle.settings?.reportPath;
        if (!reportPath || !refreshContent) return;
        server.watcher.add(reportPath);
        const onChange = (file: string) => {
          if (path.resolve(file) !== reportPath) return;
          logger.info('Verification report changed: re-rendering the pages');
          void refreshContent({ loaders: [DOCS_LOADER] });
        };
        server.watcher.on('change', onChange);
        server.watcher.on('add', onChange);
      },
    },
  };
  return { integration, handle };
}

/** `import settings from 'virtual:proven-runbooks/settings'` in components and endpoints. */
function virtualSettings(settings: SiteSettings) {
  const resolved = `\0${VIRTUAL_ID}`;
  return {
    name: 'proven-runbooks-settings',
    resolveId: (id: string) => (id === VIRTUAL_ID ? resolved : undefined),
    load: (id: string) => (id === resolved ? `export default ${JSON.stringify(settings)};` : undefined),
  };
}
