/**
 * What `npm pack` ships, and that it works where it lands. The package is packed from a copy of
 * this checkout's files (`git ls-files`: what a fresh clone holds, sharing this node_modules), so
 * `prepack` builds dist/ and prebuilds/ there and never touches this tree's dist/ while other
 * tests read it. Then the tarball is installed into a new app with `--ignore-scripts` (nothing is
 * compiled) and `--omit=optional` (no Dawn), and the app must run on the native backend loaded
 * from the prebuild.
 *
 * It builds everything (about a minute), so it runs under CI (CI=true) or with LEPTON_PACK_TEST=1;
 * elsewhere the two checks that need no build run, and the slow one reports that it did not.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  scripts: Record<string, string>;
};
const slow = process.env['CI'] === 'true' || process.env['CI'] === '1' || process.env['LEPTON_PACK_TEST'] === '1';

it('LICENSE holds the licence package.json names', () => {
  expect(pkg.license).toBe('MIT');
  const text = readFileSync(join(root, 'LICENSE'), 'utf8');
  expect(text).toMatch(/^MIT License/);
  expect(text).toMatch(/Copyright \(c\) \d{4} the lepton-compute authors/);
});

it('prepack builds dist/ and the prebuilds', () => {
  expect(pkg.scripts['prepack']).toBe('npm run build && npm run build:prebuilds');
});

describe.runIf(slow)('the packed tarball', () => {
  const work = mkdtempSync(join(tmpdir(), 'lepton-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const run = (cmd: string, args: string[], cwd: string): string =>
    execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });

  it('ships dist, the linux-x64 prebuild, LICENSE and README and no tests; installs without scripts and runs native', { timeout: 240_000 }, () => {
    // A clone's files, without this tree's build outputs (dist/, build/, prebuilds/ are ignored).
    const src = join(work, 'src-copy');
    const files = run('git', ['ls-files', '-co', '--exclude-standard', '-z'], root).split('\0').filter(Boolean);
    for (const f of files) {
      if (!existsSync(join(root, f))) continue; // deleted in the work tree, not yet committed
      mkdirSync(dirname(join(src, f)), { recursive: true });
      cpSync(join(root, f), join(src, f));
    }
    symlinkSync(join(root, 'node_modules'), join(src, 'node_modules'), 'dir');

    const out = join(work, 'out');
    mkdirSync(out);
    // `npm pack` runs prepack; --json goes to stdout, the build's own output is on stderr.
    const packed = run(npm, ['pack', '--json', '--pack-destination', out], src);
    // The report is the JSON array npm prints last (lifecycle scripts may print before it).
    const report = JSON.parse(packed.slice(packed.search(/^\[\s*$/m))) as {
      filename: string;
      files: { path: string }[];
    }[];
    const paths = report[0]!.files.map((f) => f.path);
    expect(paths).toContain('LICENSE');
    expect(paths).toContain('README.md');
    expect(paths).toContain('package.json');
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.cjs');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths).toContain('dist/pool-worker.js');
    expect(paths).toContain('dist/browser/lepton.js');
    expect(paths).toContain('dist/browser/lepton-worker.js');
    expect(paths.filter((p) => /^prebuilds\/linux-x64\/[^/]+\.node$/.test(p)).length).toBeGreaterThan(0);
    expect(paths).toContain('bin/lepton-worker.mjs');
    expect(paths).toContain('dist/cluster/index.js');
    expect(paths).toContain('dist/wasm/lepton.wasm');
    for (const p of paths) expect(p, 'nothing outside the shipped folders').toMatch(/^(dist|prebuilds|native|shaders|bin)\/|^(LICENSE|README\.md|package\.json|binding\.gyp)$/);
    expect(paths.some((p) => /^(test|bench|demo|scripts|src|build)\//.test(p))).toBe(false);

    // A new app installs the tarball without running any script (so nothing compiles).
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
    run(npm, ['install', join(out, report[0]!.filename), '--ignore-scripts', '--omit=optional', '--no-audit', '--no-fund', '--prefer-offline'], app);
    const installed = join(app, 'node_modules', pkg.name);
    expect(existsSync(join(installed, 'build')), 'no build/ folder: native can only come from the prebuild').toBe(false);
    expect(existsSync(join(installed, 'node_modules', 'webgpu')) || existsSync(join(app, 'node_modules', 'webgpu'))).toBe(false);

    writeFileSync(
      join(app, 'check.mjs'),
      [
        "import { backends, matmul, tensor } from 'lepton-compute';",
        'const list = await backends();',
        "const native = list.find((b) => b.name === 'native');",
        "const c = await matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]]), { backend: 'native' });",
        'console.log(JSON.stringify({ native: native.available, reason: native.reason, c: Array.from(await c.data()) }));',
      ].join('\n'),
    );
    const result = JSON.parse(run(process.execPath, ['check.mjs'], app)) as { native: boolean; reason: string; c: number[] };
    expect(result.reason).toBe('');
    expect(result.native).toBe(true);
    expect(result.c).toEqual([19, 22, 43, 50]);
    // CommonJS users get the same.
    writeFileSync(join(app, 'check.cjs'), "require('lepton-compute').backends().then((l) => console.log(l.find((b) => b.name === 'native').available));");
    expect(run(process.execPath, ['check.cjs'], app).trim()).toBe('true');

    // TypeScript users get types for both entries (the browser one adds setWorkerUrl and poolStats).
    writeFileSync(
      join(app, 'types.mts'),
      [
        "import { tensor, load, type Tensor } from 'lepton-compute';",
        "import { setWorkerUrl, poolStats, matmul } from 'lepton-compute/browser';",
        "setWorkerUrl(new URL('./lepton-worker.js', import.meta.url));",
        'const stats: { workers: number; jobs?: number } = await poolStats();',
        'const t: Tensor = tensor([1, 2]);',
        'const loaded: Promise<Tensor> = load(\'x.npy\');',
        'void matmul; void stats; void t; void loaded;',
        '// @ts-expect-error setWorkerUrl takes a string or a URL',
        'setWorkerUrl(42);',
      ].join('\n'),
    );
    run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types'), 'types.mts'], app);
  });
});
