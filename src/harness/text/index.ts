/** Small pure text rules shared across the pipeline and the site. */
export { formatDuration } from './durations.ts';
export { psqlScript, shellQuote } from './shell.ts';
