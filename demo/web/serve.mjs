/**
 * `npm run demo:web`: serves the compressive-sensing demo page and the browser bundle on
 * 127.0.0.1 with Node's http module.
 *   --port N         (default 8080; 0 picks a free port)
 *   --no-isolation   leave out the COOP/COEP headers: the page is then not crossOriginIsolated,
 *                    has no SharedArrayBuffer, and the worker pool runs on the calling thread.
 * Routes: / and /demo/web/* from demo/web/, /dist/browser/* from the built bundle, /dist/wasm/*
 * the wasm backend's modules (fetched by the bundle on the backend's first probe).
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};
const ALLOWED = ['demo/web/', 'dist/browser/', 'dist/wasm/'];

/**
 * Starts the server; resolves with its URL and a close function. `extra`: more folders (relative
 * to the repository root, ending in '/') to serve, e.g. the browser bench's page and its peers.
 */
export function serve({ port = 8080, isolation = true, extra = [] } = {}) {
  const allowed = [...ALLOWED, ...extra];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    if (path === '' || path === 'index.html') path = 'demo/web/index.html';
    const file = normalize(join(root, path));
    const headers = { 'Cache-Control': 'no-store' };
    if (isolation) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    const inside = allowed.some((dir) => file.startsWith(join(root, dir)) && !file.slice(root.length).includes(`${sep}..`));
    if (!inside) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      resolve({ url: `http://127.0.0.1:${bound}/`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--port');
  const port = at >= 0 ? Number(args[at + 1]) : 8080;
  const isolation = !args.includes('--no-isolation');
  const { url } = await serve({ port, isolation });
  console.log(`lepton-compute demo: ${url}  (${isolation ? 'COOP/COEP on: cross-origin isolated, worker pool on' : 'COOP/COEP off: not isolated, pool on the calling thread'})`);
}
