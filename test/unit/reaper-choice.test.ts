import { describe, expect, it } from 'vitest';
import { decideReaper } from '../../src/harness/sandbox/ryuk.ts';
import { sandboxSettings } from '../../src/harness/sandbox/settings.ts';

const local = { name: 'proven-runbooks/ryuk:local', pulled: false };

describe("who removes the containers: Ryuk by default, where it can run", () => {
  it('is Ryuk when its image is on the engine and the engine has a bridge', () => {
    const choice = decideReaper({ bridge: true, image: local });
    expect(choice).toMatchObject({ on: true, image: 'proven-runbooks/ryuk:local', summary: 'Ryuk on (proven-runbooks/ryuk:local)' });
    expect(choice.line).toMatch(/^containers: cleaned up by Ryuk \(proven-runbooks\/ryuk:local\)/);
    expect(decideReaper({ bridge: true, image: { name: 'testcontainers/ryuk:0.14.0', pulled: true } }).line).toContain('pulled just now');
  });

  it("is the harness's own reaper, saying why, where Ryuk has no image or no bridge", () => {
    const noImage = decideReaper({ bridge: true, noImage: 'pulling testcontainers/ryuk:0.14.0 failed: no registry answered' });
    expect(noImage.on).toBe(false);
    expect(noImage.line).toBe("containers: Ryuk unavailable (pulling testcontainers/ryuk:0.14.0 failed: no registry answered): the harness's own reaper removes them");
    const noBridge = decideReaper({ bridge: false, image: local });
    expect(noBridge.on).toBe(false);
    expect(noBridge.line).toContain('no "bridge" network');
  });

  it("lets the caller's TESTCONTAINERS_RYUK_DISABLED win both ways", () => {
    expect(decideReaper({ disabled: 'true', bridge: true, image: local })).toMatchObject({ on: false, line: expect.stringContaining('TESTCONTAINERS_RYUK_DISABLED=true') });
    expect(decideReaper({ disabled: 'false', bridge: true, image: local }).on).toBe(true);
    // Asked for explicitly, Ryuk that cannot run is an error, never a silent fallback.
    expect(() => decideReaper({ disabled: 'false', bridge: false })).toThrow(/no "bridge" network/);
    expect(() => decideReaper({ disabled: 'false', bridge: true, noImage: 'no image' })).toThrow(/no image/);
  });

  it('leaves TESTCONTAINERS_RYUK_DISABLED unset unless the caller set it, so that the engine decides', () => {
    expect(sandboxSettings({}).testcontainers.TESTCONTAINERS_RYUK_DISABLED).toBeUndefined();
    expect(sandboxSettings({ TESTCONTAINERS_RYUK_DISABLED: 'true' }).testcontainers.TESTCONTAINERS_RYUK_DISABLED).toBe('true');
  });
});
