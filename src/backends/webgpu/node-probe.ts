/**
 * Whether Dawn (the optional `webgpu` package) finds an adapter, asked in a child process so that
 * what Dawn and the Vulkan loader print while they look (`Warning: vkCreateInstance: Found no
 * drivers!`, Mesa's `error: XDG_RUNTIME_DIR is invalid…`, paths of Dawn's build machine) never
 * reaches the user's terminal: the child's stderr is captured and becomes part of the reason. Only
 * when the child finds an adapter does the calling process load Dawn itself. A child that crashes
 * inside Dawn is a reason too, not a crash of the caller.
 *
 * Node only: `#webgpu-probe` resolves here under the `node` condition of package.json `imports`
 * and to probe-absent.ts elsewhere, so the browser build never sees `node:child_process`. Costs one Node start plus Dawn's load (about 0.2 s),
 * once per process; `LEPTON_WEBGPU_PROBE=inline` skips it (Dawn then probes in-process, noise
 * and all).
 */

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The child's answer. */
export type ChildProbe =
  | { ok: true }
  | { ok: false; reason: string };

/** Runs in the child: argv[1] is the `webgpu` package's file URL, argv[2] the adapter options (JSON). */
const CHILD = `
const [url, options] = process.argv.slice(1);
const { create } = await import(url);
const adapter = await create([]).requestAdapter(JSON.parse(options));
process.stdout.write(JSON.stringify({ adapter: adapter !== null && adapter !== undefined }));
process.exit(0);
`;

/** Time the child gets before the probe gives up (a hung driver must not hang backends()). */
const TIMEOUT_MS = 20_000;

/** Dawn's stderr, boiled down to its distinct messages (no stack lines, no build-machine paths). */
export function summariseDawnOutput(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^at /.test(l))
    .map((l) => l.replace(/^(Warning|Error|error):\s*/, ''));
  return [...new Set(lines)].slice(0, 3).join('; ');
}

/**
 * Asks a child Node process whether Dawn finds an adapter.
 * @param adapterOptions passed to `requestAdapter` (must survive JSON).
 */
export async function probeInChild(adapterOptions: unknown): Promise<ChildProbe | undefined> {
  let entry: string;
  try {
    entry = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch (e) {
    return {
      ok: false,
      reason: `the optional package 'webgpu' (Dawn for Node) is not installed (${(e as Error).message.split('\n')[0]}); install it with "npm install webgpu@0.6.2"`,
    };
  }
  return new Promise<ChildProbe>((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, entry, JSON.stringify(adapterOptions ?? {})], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
      windowsHide: true,
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `the WebGPU probe could not start a Node child process (${e.message})` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const said = summariseDawnOutput(err);
      let answer: { adapter?: boolean } = {};
      try {
        answer = JSON.parse(out) as { adapter?: boolean };
      } catch {
        // No answer: the child failed; the code, the signal and its stderr say how.
      }
      if (answer.adapter === true) return resolve({ ok: true });
      if (answer.adapter === false) {
        return resolve({
          ok: false,
          reason:
            'no WebGPU adapter found (no GPU, or no driver WebGPU can use)' +
            (said ? `; Dawn reported: ${said}` : '') +
            ". On Linux without a GPU, install a software Vulkan driver (Debian's chromium package ships SwiftShader) and set VK_DRIVER_FILES=/usr/lib/chromium/vk_swiftshader_icd.json",
        });
      }
      const how = signal === 'SIGKILL' ? `did not answer within ${TIMEOUT_MS / 1000} s` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
      resolve({
        ok: false,
        reason: `WebGPU failed to start: Dawn's adapter probe ${how}${said ? ` (${said})` : ''}. Check the GPU driver, or leave WebGPU out`,
      });
    });
  });
}
