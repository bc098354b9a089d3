/**
 * The peers lepton-compute is measured against, loaded from bench/peers/node_modules (their own
 * package, installed on demand by bench/peers/install.mjs) and python3. Every loader resolves to
 * `{ ok: true, ... }` or `{ ok: false, note }`: a peer that is not installed or fails to load is
 * skipped with the note printed, never a reason for the suite to fail.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const peersDir = join(here, '..', 'peers');
const requirePeer = createRequire(join(peersDir, 'package.json'));

function versionOf(name) {
  try {
    return JSON.parse(readFileSync(requirePeer.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

const cache = new Map();
function once(key, load) {
  if (!cache.has(key)) cache.set(key, load());
  return cache.get(key);
}

/** ml-matrix (float64 Matrix, mmul, CholeskyDecomposition). */
export function mlMatrix() {
  return once('ml-matrix', async () => {
    try {
      const mod = requirePeer('ml-matrix');
      return { ok: true, Matrix: mod.Matrix, CholeskyDecomposition: mod.CholeskyDecomposition, version: versionOf('ml-matrix') };
    } catch (error) {
      return { ok: false, note: `ml-matrix not loaded from bench/peers (${firstLine(error)})` };
    }
  });
}

/**
 * TensorFlow.js core with its cpu and wasm backends. `backends` says which of the two
 * initialised; `use(name)` switches (tensors must then be created anew on that backend).
 */
export function tfjs() {
  return once('tfjs', async () => {
    let tf;
    try {
      tf = requirePeer('@tensorflow/tfjs-core');
    } catch (error) {
      return { ok: false, note: `@tensorflow/tfjs-core not loaded from bench/peers (${firstLine(error)})` };
    }
    const backends = {};
    // tfjs-core greets Node users on stdout once; keep the bench's output to its own lines.
    const log = console.log;
    const warn = console.warn;
    console.log = () => {};
    console.warn = () => {};
    try {
      // Production mode: no per-op debug checks (what a user timing tfjs would run).
      tf.enableProdMode();
      try {
        requirePeer('@tensorflow/tfjs-backend-cpu');
        backends.cpu = (await tf.setBackend('cpu')) ? { ok: true } : { ok: false, note: 'tf.setBackend("cpu") failed' };
      } catch (error) {
        backends.cpu = { ok: false, note: `tfjs-backend-cpu: ${firstLine(error)}` };
      }
      try {
        const wasm = requirePeer('@tensorflow/tfjs-backend-wasm');
        const dist = join(dirname(requirePeer.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
        // The .wasm binaries ship inside the npm package; point the loader at them (no fetch).
        wasm.setWasmPaths(`${dist}/`);
        backends.wasm = (await tf.setBackend('wasm')) ? { ok: true } : { ok: false, note: 'tf.setBackend("wasm") failed' };
        if (backends.wasm.ok) {
          backends.wasm.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
          backends.wasm.threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
        }
      } catch (error) {
        backends.wasm = { ok: false, note: `tfjs-backend-wasm: ${firstLine(error)}` };
      }
    } finally {
      console.log = log;
      console.warn = warn;
    }
    return {
      ok: true,
      tf,
      backends,
      version: versionOf('@tensorflow/tfjs-core'),
      versions: {
        core: versionOf('@tensorflow/tfjs-core'),
        cpu: versionOf('@tensorflow/tfjs-backend-cpu'),
        wasm: versionOf('@tensorflow/tfjs-backend-wasm'),
      },
      async use(name) {
        if (!backends[name]?.ok) return false;
        if (tf.getBackend() !== name) await tf.setBackend(name);
        await tf.ready();
        return tf.getBackend() === name;
      },
    };
  });
}

/**
 * onnxruntime-node on its CPU execution provider: the binary that ships inside the npm package
 * (bin/napi-v6/<platform>/<arch>/), not anything its install script would download (the install
 * runs with ONNXRUNTIME_NODE_INSTALL=skip; the optional CUDA/TensorRT providers are absent).
 */
export function onnxruntime() {
  return once('ort', async () => {
    try {
      const ort = requirePeer('onnxruntime-node');
      const root = dirname(requirePeer.resolve('onnxruntime-node/package.json'));
      const binDir = join(root, 'bin', 'napi-v6', process.platform, process.arch);
      const files = existsSync(binDir) ? readdirSync(binDir) : [];
      // Which onnxruntime shared objects this process actually mapped (Linux): the package's own.
      let loaded = [];
      try {
        loaded = [...new Set(readFileSync('/proc/self/maps', 'utf8').split('\n').map((l) => l.split(/\s+/).slice(5).join(' ')).filter((p) => /onnxruntime/.test(p)))];
      } catch {
        // not Linux
      }
      return {
        ok: true,
        ort,
        version: versionOf('onnxruntime-node'),
        binary: join('onnxruntime-node', 'bin', 'napi-v6', process.platform, process.arch, 'onnxruntime_binding.node'),
        binaryFiles: files,
        loadedFrom: loaded,
        executionProvider: 'cpu',
        /** A session on the CPU execution provider with `threads` intra-op threads. */
        session(bytes, threads) {
          return ort.InferenceSession.create(bytes, {
            executionProviders: ['cpu'],
            intraOpNumThreads: threads,
            interOpNumThreads: 1,
            executionMode: 'sequential',
            graphOptimizationLevel: 'all',
          });
        },
      };
    } catch (error) {
      return { ok: false, note: `onnxruntime-node not loaded from bench/peers (${firstLine(error)})` };
    }
  });
}

/**
 * A numpy/scipy server (bench/peers/numpy_peer.py) with OpenBLAS fixed to `threads` threads.
 * Resolves `{ ok, request(obj) → Promise<answer>, info, close() }`.
 */
export function python(command, threads) {
  return once(`python ${command} ${threads}`, async () => {
    const script = join(peersDir, 'numpy_peer.py');
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    let child;
    try {
      child = spawn(command, [script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      return { ok: false, note: `${command}: ${firstLine(error)}` };
    }
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const lines = createInterface({ input: child.stdout });
    const waiting = [];
    let exited;
    lines.on('line', (line) => waiting.shift()?.resolve(line));
    const gone = new Promise((resolve) => {
      child.on('error', (error) => {
        exited = firstLine(error);
        resolve();
      });
      child.on('exit', (code) => {
        exited ??= `exited with ${code}: ${stderr.trim().split('\n').pop() ?? ''}`;
        resolve();
      });
    });
    gone.then(() => {
      for (const w of waiting.splice(0)) w.reject(new Error(`${command} ${exited}`));
    });
    const request = (obj) =>
      new Promise((resolve, reject) => {
        if (exited) return reject(new Error(`${command} ${exited}`));
        waiting.push({
          resolve: (line) => {
            const answer = JSON.parse(line);
            if (answer.error) reject(new Error(answer.error));
            else resolve(answer);
          },
          reject,
        });
        child.stdin.write(`${JSON.stringify(obj)}\n`);
      });
    try {
      const info = await request({ op: 'hello' });
      return {
        ok: true,
        info,
        request,
        close() {
          child.stdin.end();
          return gone;
        },
      };
    } catch (error) {
      child.kill();
      return { ok: false, note: `numpy peer (${command}) unavailable: ${firstLine(error)}` };
    }
  });
}

/** Closes every python server this process started. */
export async function closePeers() {
  for (const [key, value] of cache) {
    if (!key.startsWith('python ')) continue;
    const p = await value;
    if (p.ok) await p.close();
  }
}
