/**
 * package-lock.json is complete: `npm ci` accepts it as it stands (a lock missing an entry, such
 * as one of rollup's or esbuild's optional platform packages, makes `npm ci` fail on a fresh
 * clone, and makes `npm install` rewrite the lock). The dry run reads the lock against
 * package.json and touches neither node_modules nor the network beyond the registry metadata it
 * already has; it takes about a second.
 *
 * To regenerate a complete lock after adding a dependency: `npm install --package-lock-only`
 * (npm 11 records every platform's optional packages, whatever this machine's platform is).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

it('npm ci accepts package-lock.json as it is', () => {
  // execFileSync throws (and the test fails with npm's message) when the lock is out of sync.
  const out = execFileSync(npm, ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  expect(out).not.toMatch(/Missing: /);
});

it('the lock lists the optional platform packages of rollup and esbuild for every platform', () => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { optional?: boolean; os?: string[]; cpu?: string[] }>;
  };
  const names = Object.keys(lock.packages);
  for (const family of ['node_modules/@rollup/rollup-', 'node_modules/@esbuild/']) {
    const platforms = names.filter((n) => n.startsWith(family));
    // Not only this machine's: a lock made on one platform must carry the others too.
    expect(platforms.filter((n) => /linux-x64/.test(n)).length, family).toBeGreaterThan(0);
    expect(platforms.some((n) => /darwin-arm64/.test(n)), `${family}darwin-arm64`).toBe(true);
    expect(platforms.some((n) => /win32-x64/.test(n)), `${family}win32-x64`).toBe(true);
    expect(platforms.length, family).toBeGreaterThan(10);
  }
});
