/**
 * The webgpu probe keeps Dawn's and the Vulkan loader's output off the user's stderr
 * (src/backends/webgpu/node-probe.ts): `backends()` in a process that sees no Vulkan driver prints
 * nothing but what the program prints, and the reason carries what Dawn said and the fix.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summariseDawnOutput } from '../../src/backends/webgpu/node-probe.js';

const root = join(import.meta.dirname, '..', '..');

// What Dawn 0.6.2 prints on a machine with no Vulkan driver (stderr, as captured).
const DAWN_NO_DRIVER = [
  'Warning: vkCreateInstance: Found no drivers!',
  'Warning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER',
  '    at CheckVkSuccessImpl (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/VulkanError.cpp:106)',
  '',
  'Warning: vkCreateInstance: Found no drivers!',
  'error: XDG_RUNTIME_DIR is invalid or not set in the environment.',
  '',
].join('\n');

describe('summariseDawnOutput', () => {
  it('keeps the distinct messages, without stack lines or prefixes', () => {
    expect(summariseDawnOutput(DAWN_NO_DRIVER)).toBe(
      'vkCreateInstance: Found no drivers!; vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER; XDG_RUNTIME_DIR is invalid or not set in the environment.',
    );
    expect(summariseDawnOutput('')).toBe('');
  });
});

function hasDawn(): boolean {
  try {
    execFileSync(process.execPath, ['-e', "require.resolve('webgpu')"], { cwd: root, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.runIf(hasDawn())('backends() on a machine without a Vulkan driver', () => {
  it('prints nothing but the result, and says why and how to fix it', () => {
    // No driver the loader can find: the variables that point it at one are removed and the
    // search path is emptied.
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_DIRS: '/nonexistent', XDG_DATA_DIRS: '/nonexistent', HOME: '/nonexistent' };
    for (const name of ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES', 'VK_ADD_DRIVER_FILES', 'LEPTON_WEBGPU_PROBE', 'XDG_RUNTIME_DIR']) delete env[name];
    const script =
      "import('./src/index.ts').then(async (m) => { const w = (await m.backends()).find((b) => b.name === 'webgpu'); console.log(JSON.stringify(w)); })";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const webgpu = JSON.parse(r.stdout) as { available: boolean; reason: string };
    // (A machine whose GPU driver sits in /usr/share/vulkan or /etc/vulkan still finds it.)
    if (!webgpu.available) {
      expect(r.stderr).toBe('');
      expect(webgpu.reason).toMatch(/^no WebGPU adapter found/);
      expect(webgpu.reason).toMatch(/Dawn reported: .*vkCreateInstance/);
      expect(webgpu.reason).toMatch(/VK_DRIVER_FILES=/);
    }
  });
});
