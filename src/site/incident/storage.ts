/**
 * What the incident view keeps in the reader's browser. Pure, and small enough
 * to ship to the browser (src/components/IncidentView.astro): nothing here is
 * ever sent anywhere.
 */
import { VARIABLES } from '../env-line.ts';

/** `1` while incident mode is on. */
export const INCIDENT_KEY = 'proven-runbooks:incident-mode';
/** The class on <html> that turns the page into its incident view (src/styles/incident.css). */
export const INCIDENT_CLASS = 'rb-incident-mode';

/** Steps ticked "done", per page: a JSON list of step ids. */
export function doneKey(pagePath: string): string {
  return `proven-runbooks:done:${pagePath}`;
}

/** Stored step ids, or none when the stored text is missing or not ours. */
export function readDone(text: string | null): Set<string> {
  try {
    const parsed: unknown = JSON.parse(text ?? '[]');
    return new Set(Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : []);
  } catch {
    return new Set();
  }
}

export function writeDone(done: Set<string>): string {
  return JSON.stringify([...done].sort());
}

/**
 * The environment panel's stored values (src/site/env-line.ts's key), read
 * generically: every non-empty string value, whatever variables the panel
 * offers now, so a variable added to the panel shows up here unchanged.
 */
export function readEnvironment(text: string | null): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(text ?? '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed as Record<string, unknown>)
      .filter((e): e is [string, string] => /^[A-Za-z_]\w*$/.test(e[0]) && typeof e[1] === 'string' && e[1].trim() !== '')
      .map(([k, v]) => [k, v.trim()]));
  } catch {
    return {};
  }
}

/** What "Set first" says of a variable the reader has not given: the panel holds only some of them. */
export function unsetText(name: string): string {
  return (VARIABLES as readonly string[]).includes(name)
    ? 'not set here: export it, or fill in “Your environment”'
    : 'not set here: export it (the page says what it names)';
}
