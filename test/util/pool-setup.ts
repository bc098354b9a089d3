/**
 * Setup for the 'pool' test project: the conformance suite again with the worker pool on
 * (2 threads) and the split threshold at 0, so that every splittable op really splits.
 */
import { afterAll, beforeAll } from 'vitest';
import { closePool, configure } from '../../src/index.js';

beforeAll(() => configure({ threads: 2, minFlopsPerPart: 0 }));
afterAll(() => closePool());
