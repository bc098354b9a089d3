/**
 * Child process for WebGPU's cold figure: a fresh process starts the device and uploads the
 * inputs (not timed), then times the first call of the op with its readback, which includes
 * compiling its pipelines. Prints one JSON line { coldMs, warmMs } (warmMs: the second call, for
 * reference). Run by bench/lib/suite.mjs once per cold sample.
 *
 *   node bench/lib/webgpu-cold.mjs '<spec json>'
 */
import * as lib from '../../dist/index.js';
import { leptonOp, makeInputs, toGpu } from './cases.mjs';

const spec = JSON.parse(process.argv[2]);
const info = (await lib.backends()).find((b) => b.name === 'webgpu');
if (!info?.available) {
  console.log(JSON.stringify({ error: `webgpu unavailable: ${info?.reason}` }));
  process.exit(0);
}
const inputs = await toGpu(makeInputs(lib, spec));
const op = leptonOp(lib, spec);
const once = async () => {
  const t0 = performance.now();
  const y = await op(inputs, 'webgpu');
  await y.data();
  const ms = performance.now() - t0;
  y.dispose();
  return ms;
};
const coldMs = await once();
const warmMs = await once();
console.log(JSON.stringify({ coldMs, warmMs, pipelines: lib.memory().webgpu.pipelines }));
