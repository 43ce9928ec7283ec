/**
 * The incident view's one read: the page's Markdown, for the parser's reading
 * of each step's expectations (the proof carries the page's blocks but not
 * what each step was checked against). Everything else is pure (view.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PageProof } from '../proof/page-proof.ts';
import type { SiteSettings } from '../settings.ts';
import { parsedSteps } from './look-for.ts';
import { incidentModel, type IncidentModel } from './view.ts';
import { ratesFromReport } from '../estimate/throughput.ts';
import { readReport } from '../site-fs.ts';

/**
 * @param filePath the entry's path relative to the project root (Astro's `entry.filePath`)
 * @returns undefined when the page has no operator step to show
 */
export function loadIncident(settings: SiteSettings, filePath: string, proof: PageProof): IncidentModel | undefined {
  const source = readFileSync(path.resolve(settings.root, filePath), 'utf8');
  const model = incidentModel(proof, parsedSteps(source, proof.file), settings.commit, ratesFromReport(readReport(settings.reportPath)));
  return model.steps.length > 0 ? model : undefined;
}
