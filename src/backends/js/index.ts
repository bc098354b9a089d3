/**
 * The js backend: pure TypeScript kernels, in Node and in every browser. Always available.
 */
import type { Backend } from '../backend.js';
import { binary } from './binary.js';
import { conv2d } from './conv2d.js';
import { cholesky, solveSPD } from './linalg.js';
import { matmul } from './matmul.js';
import { pool2d } from './pool2d.js';
import { reduce } from './reduce.js';
import { ridge } from './ridge.js';
import { unary } from './unary.js';
import { where } from './where.js';
import { softmax } from './softmax.js';
import { batchNorm } from './batch-norm.js';
import { layerNorm } from './layer-norm.js';

export const jsBackend: Backend = Object.freeze({
  name: 'js',
  probe: async () => ({ ok: true }) as const,
  kernels: Object.freeze({ matmul, conv2d, pool2d, unary, binary, reduce, cholesky, solveSPD, ridge, where, softmax, batchNorm, layerNorm }),
});
