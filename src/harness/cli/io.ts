/** Where a command prints and what it knows of its process: `scripts/runbooks.mjs` passes the real ones, tests their own. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}
