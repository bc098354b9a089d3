/**
 * Library internals for the benchmarks (bench/dispatch.bench.mjs times kernels alone beside the
 * public ops). Not public API: nothing here is covered by semver.
 */
export { jsBackend } from './backends/js/index.js';
export { nativeBackend } from '#native';
export { costOf } from './cost.js';
export { takeStore, release } from './memory/cpu.js';
export { planMatmul } from './ops/matmul.js';
export { planBinary } from './ops/binary.js';
export { planConv2d } from './ops/conv2d.js';
export { planPool2d } from './ops/pool2d.js';
export { planUnary } from './ops/unary.js';
// This bundle carries its own copy of the tensor core: the benches make the tensors they hand
// these internals with its creation functions.
export { randn, tensor } from './creation.js';
export { Tensor } from './tensor.js';
export { loadAddon } from './backends/native/load.js';
export { encodersOf, flatCaller } from './backends/native/flat.js';
