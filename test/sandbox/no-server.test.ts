/**
 * chooseServer: each major of the matrix resolved once per verification, on
 * a real engine. An image present is taken without a pull; a missing one is
 * pulled once; where the pull fails too, the major has no server here and
 * says why. The table is a scratch versions.tsv whose official image exists
 * nowhere, so the outcome is the same with or without a registry.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { chooseServer, readImageTable } from '../../src/harness/sandbox/images.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';
import { projectPaths } from '../../src/harness/files/project.ts';
import { describeDocker } from '../helpers/docker.ts';

const real = readImageTable(projectPaths().scripts).find((r) => r.major === 18)!;
const scripts = mkdtempSync(join(tmpdir(), 'rb-versions-'));
mkdirSync(join(scripts, 'images'));
writeFileSync(join(scripts, 'images', 'versions.tsv'),
  `# scratch\n16\t-\t-\tproven-runbooks-test/no-such-image:16\n18\t${real.suite}\t${real.local}\t${real.official}\n`);
afterAll(() => rmSync(scripts, { recursive: true, force: true }));
const settings = sandboxSettings(process.env);

describeDocker('choosing the server of each major, once', () => {
  it('takes an image the engine has, without pulling', async () => {
    const pull = vi.fn(async () => ({ ok: false, detail: 'never' }));
    const choice = await chooseServer(settings, scripts, 18, pull);
    expect(choice).toMatchObject({ major: 18, how: 'present' });
    expect(pull).not.toHaveBeenCalled();
  });

  it('pulls a missing official image once, and uses it when the pull works', async () => {
    const pull = vi.fn(async () => ({ ok: true, detail: 'pulled proven-runbooks-test/no-such-image:16' }));
    expect(await chooseServer(settings, scripts, 16, pull)).toEqual({ major: 16, image: 'proven-runbooks-test/no-such-image:16', how: 'pulled proven-runbooks-test/no-such-image:16' });
    expect(pull).toHaveBeenCalledTimes(1);
  });

  it('says "none", and why, when the real pull fails (quickly) and no suite here builds it', async () => {
    const started = performance.now();
    const choice = await chooseServer(settings, scripts, 16);
    expect(choice).toMatchObject({ major: 16 });
    expect('none' in choice && choice.none).toMatch(/^the Docker engine has no proven-runbooks\/postgres:16-official or proven-runbooks-test\/no-such-image:16; `docker pull proven-runbooks-test\/no-such-image:16` (failed \(.+\)|: no registry answered in 10 s); no Debian suite here packages it \(versions\.tsv: -\)$/);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('never pulls under RUNBOOKS_IMAGE_SOURCE=local, and refuses a major the table does not name', async () => {
    const pull = vi.fn(async () => ({ ok: true, detail: 'pulled' }));
    expect(await chooseServer({ ...settings, imageSource: 'local' }, scripts, 16, pull)).toEqual({
      major: 16, none: 'the Docker engine has no image of the kind RUNBOOKS_IMAGE_SOURCE=local asks for; no Debian suite here packages it (versions.tsv: -)',
    });
    expect(pull).not.toHaveBeenCalled();
    await expect(chooseServer(settings, scripts, 12, pull)).rejects.toThrow('No image is named for PostgreSQL 12 (scripts/images/versions.tsv knows 16, 18)');
  });
});
