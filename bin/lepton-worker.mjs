#!/usr/bin/env node
// The `lepton-worker` command (src/cluster/worker-cli.ts). An installed package runs the built
// dist/cluster/worker-cli.js. A clone without a build (and the tests, which set
// LEPTON_WORKER_FROM=src) runs the TypeScript sources through tsx, a devDependency.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cluster/worker-cli.js', import.meta.url);
const source = new URL('../src/cluster/worker-cli.ts', import.meta.url);
const from = process.env.LEPTON_WORKER_FROM ?? (existsSync(built) ? 'dist' : 'src');
if (from === 'src') {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(built.href);
}
