/**
 * Every code block of the README runs (or is checked) here and shows what the README says:
 *   - each `ts` block runs as written (only the package name points at src/) and its printed
 *     figures are checked; the compressive-sensing example runs in test/cs/readme.test.ts;
 *   - the error message quoted is the one the library throws;
 *   - the shell blocks name only npm scripts that exist;
 *   - the HTML block imports only names the browser bundle exports (and runs as written in
 *     Chromium in test/browser/bundlers.test.ts);
 *   - the layout block lists paths that exist;
 * plus the headline table's ratios equal `node bench/headline.mjs`'s, and relative links resolve.
 * A new block the classifier does not know fails the test, so no block goes unchecked.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { backends, matmul, tensor } from '../../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

interface Block {
  lang: string;
  code: string;
  /** The nearest heading above the block. */
  section: string;
}

/** Every fenced block (also the indented ones inside list items), with its section. */
function blocks(): Block[] {
  const out: Block[] = [];
  const fence = /^( *)```(\w*)\n([\s\S]*?)^\1```$/gm;
  for (let m = fence.exec(readme); m; m = fence.exec(readme)) {
    const before = readme.slice(0, m.index);
    const section = [...before.matchAll(/^#{2,3} (.+)$/gm)].pop()?.[1] ?? '';
    const indent = m[1]!.length;
    const code = m[3]!.split('\n').map((l) => l.slice(indent)).join('\n');
    out.push({ lang: m[2]!, code, section });
  }
  return out;
}

const ALL = blocks();

/** Writes a ts block as a module beside the tests (the package name pointing at src/) and imports it. */
async function runTs(name: string, code: string, tail = ''): Promise<{ logs: unknown[][]; module: Record<string, unknown> }> {
  const dir = join(root, 'test', '.generated');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-${name}.ts`);
  writeFileSync(file, `${code.replaceAll("from 'lepton-compute'", "from '../../src/index.js'")}\n${tail}\nexport {};\n`);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const module = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    return { logs: log.mock.calls.map((c) => [...c]), module };
  } finally {
    log.mockRestore();
  }
}

const one = (section: string, lang: string): Block => {
  const found = ALL.filter((b) => b.section === section && b.lang === lang);
  expect(found.length, `one ${lang} block under "${section}"`).toBe(1);
  return found[0]!;
};

describe('README code blocks', () => {
  it('every block is one this test knows how to check', () => {
    const known = new Set([
      'The two commands/sh',
      'Install/sh',
      'Quick start/ts',
      'How an op runs/ts',
      'The path from op to kernel/',
      'Errors/',
      'The worker pool/ts',
      'The webgpu backend/ts',
      'The webgpu backend/sh',
      'Worked example: a spiky signal sensed by a random filter/ts',
      'Browser/html',
      'Browser/',
      'Layout/',
    ]);
    for (const b of ALL) expect(known.has(`${b.section}/${b.lang}`), `an unchecked README block under "${b.section}" (${b.lang || 'plain'})`).toBe(true);
    expect(ALL.length).toBeGreaterThanOrEqual(known.size);
  });

  it('the quick start runs and prints the figures its comment gives', async () => {
    const { logs } = await runTs('quickstart', one('Quick start', 'ts').code);
    expect(logs).toHaveLength(1);
    const [y, pShape, xShape, sparseError] = logs[0]!;
    expect((y as number[]).length).toBe(4);
    expect(pShape).toEqual([1, 8, 16, 16]);
    expect(xShape).toEqual([256]);
    // "…, 0": OMP finds the 4 spikes exactly.
    expect(sparseError).toBe(0);
  });

  it('the execution-model snippet runs without an await per op and prints what it says', async () => {
    const { logs } = await runTs('pending', one('How an op runs', 'ts').code);
    expect(logs).toEqual([[[512], 512]]);
  });

  it('the path block names the modules the path goes through', () => {
    const code = one('The path from op to kernel', '').code;
    const paths = code.match(/src\/[\w/{},.<>-]+/g) ?? [];
    expect(paths.length).toBeGreaterThanOrEqual(5);
    for (const path of paths) {
      const braces = /\{([^}]*)\}/.exec(path);
      const expanded = braces ? braces[1]!.split(',').map((b) => path.replace(braces[0], b)) : [path];
      for (const p of expanded) {
        const concrete = p.replace('<op>', 'matmul');
        expect(existsSync(join(root, concrete)), concrete).toBe(true);
      }
    }
  });

  it('the worker pool snippet runs: a and b defined, c is their product', async () => {
    const { module } = await runTs('pool', one('The worker pool', 'ts').code, 'export { a, b, c };');
    const [a, b, c] = ['a', 'b', 'c'].map((k) => module[k] as Awaited<ReturnType<typeof tensor>>);
    expect(c!.shape).toEqual([512, 512]);
    const want = await (await matmul(a!, b!, { backend: 'js' })).data();
    const got = await c!.data();
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-3);
  });

  it('the webgpu snippet runs where an adapter exists and gives the [8, 10] result it says', async () => {
    const gpu = (await backends()).find((b) => b.name === 'webgpu')!;
    if (!gpu.available) {
      // CI (LEPTON_REQUIRE_WEBGPU=1, SwiftShader) always runs it.
      expect(process.env['LEPTON_REQUIRE_WEBGPU'], gpu.reason).not.toBe('1');
      return;
    }
    const { logs, module } = await runTs('webgpu', one('The webgpu backend', 'ts').code, 'export { y };');
    expect(logs).toHaveLength(1);
    expect((logs[0]![0] as Float32Array).length).toBe(80);
    expect((module['y'] as { shape: number[] }).shape).toEqual([8, 10]);
  });

  it('the compressive-sensing example is run by test/cs/readme.test.ts', () => {
    const test = readFileSync(join(root, 'test', 'cs', 'readme.test.ts'), 'utf8');
    expect(test).toContain('## Compressive sensing');
    expect(one('Worked example: a spiky signal sensed by a random filter', 'ts').code).toContain('cs.omp');
  });

  it('the error message quoted is the one matmul throws', async () => {
    const quoted = one('Errors', '').code.trim();
    let message = '';
    try {
      await matmul(tensor(new Float32Array(12), [3, 4]), tensor(new Float32Array(30), [5, 6]));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(quoted);
  });

  it('the shell blocks name only npm scripts that exist', () => {
    for (const b of ALL.filter((x) => x.lang === 'sh')) {
      for (const m of b.code.matchAll(/npm (?:run ([\w:-]+)|(start|test))\b/g)) {
        const script = m[1] ?? m[2]!;
        expect(pkg.scripts[script], `npm script '${script}' under "${b.section}"`).toBeTruthy();
      }
    }
  });

  it('the HTML block imports names the browser bundle exports, and the header block is the isolation headers', async () => {
    const html = one('Browser', 'html').code;
    const names = /import \{([^}]+)\} from '\.\/lepton\/lepton\.min\.js'/.exec(html)?.[1]?.split(',').map((s) => s.trim());
    expect(names?.length).toBeGreaterThan(0);
    const browser = (await import('../../src/browser.js')) as Record<string, unknown>;
    for (const n of names!) expect(typeof browser[n], n).not.toBe('undefined');
    expect(one('Browser', '').code.trim()).toBe('Cross-Origin-Opener-Policy: same-origin\nCross-Origin-Embedder-Policy: require-corp');
  });

  it('the layout block lists paths that exist', () => {
    for (const line of one('Layout', '').code.trim().split('\n')) {
      const path = line.split(/\s+/)[0]!;
      expect(existsSync(join(root, path)), path).toBe(true);
    }
  });
});

describe('README figures and links', () => {
  it('the headline ratios are those bench/headline.mjs computes from bench/results', () => {
    const printed = execFileSync(process.execPath, [join(root, 'bench', 'headline.mjs')], { encoding: 'utf8' });
    const ratios = (table: string): string[] =>
      table
        .split('\n')
        .filter((l) => /^\| (native|js|CNN|pool: (js|native) all|pool: \d)/.test(l) || /^\| pool: \d threads/.test(l))
        .map((l) => l.split('|')[3]!.trim());
    const perf = readme.slice(readme.indexOf('## Performance'), readme.indexOf('## Compressive sensing'));
    const ours = ratios(perf);
    const theirs = ratios(printed);
    expect(ours.length).toBe(13);
    expect(ours).toEqual(theirs);
    // Every comparison with a peer is with the fastest one.
    for (const l of perf.split('\n').filter((x) => /^\| (native|js|CNN)/.test(x))) expect(l).toMatch(/the fastest/);
  });

  it('relative links point at files (docs/api is what `npm run docs` writes)', () => {
    const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { out: string };
    for (const m of readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      if (target.startsWith(`${typedoc.out}/`)) continue;
      expect(existsSync(join(root, target)), target).toBe(true);
    }
  });
});
