import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the project's own files are, wherever the CLI is called from. */
export function projectPaths(): { root: string; scripts: string; content: string } {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  return { root, scripts: join(root, 'scripts'), content: join(root, 'content') };
}
