#!/usr/bin/env node
// The `runbooks` CLI. The harness is TypeScript run directly by Node's type
// stripping (Node ≥ 22.18), so there is no build step between an edit and a run.
import { main } from '../src/harness/cli/main.ts';

const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = code;
