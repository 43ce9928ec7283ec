#!/usr/bin/env node
// The `runbooks` CLI. The harness is TypeScript run directly by Node's type
// stripping (on by default in every Node that package.json's `engines` allows),
// so there is no build step between an edit and a run.
import { main } from '../src/harness/cli/main.ts';

// `runbooks list | head`: a reader that stops reading is not an error. (A
// verify run keeps going and still writes its report; only its printing stops.)
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => { if (error.code !== 'EPIPE') throw error; });
}

const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = code;
