/**
 * Serves the built site (docs/.vitepress/dist) on 127.0.0.1 and a free port, the way a static host
 * serves VitePress with clean URLs: /chapters/kafka → chapters/kafka.html, /labs/ → labs/index.html,
 * anything else → 404.html with status 404. Uncompressed, so the budget measures bytes itself,
 * unless `compress` is set: then text is gzipped for a client that accepts it, as a real host does
 * (the Lighthouse audit simulates a phone's network from the bytes it receives).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { createGzip } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticSite {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  origin: string;
  close(): Promise<void>;
}

/** The file a URL path is served from, or undefined for a 404. */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split(/[?#]/)[0] ?? '/');
  } catch {
    return undefined;
  }
  const clean = normalize(path).replace(/^([/\\])+/, '');
  if (clean.split(sep).includes('..')) return undefined;
  const candidates = clean === '' || clean.endsWith(sep) ? [join(root, clean, 'index.html')] : [join(root, clean), join(root, `${clean}.html`), join(root, clean, 'index.html')];
  return candidates.find((file) => existsSync(file) && statSync(file).isFile());
}

/** Files under /assets/ carry a content hash in their name (`style.BPPtecCr.css`). */
function isHashedAsset(urlPath: string): boolean {
  return /^\/assets\/.+\.[\w-]{8,}\.\w+(?:[?#]|$)/.test(urlPath);
}

export async function serveStatic(root: string, options: { compress?: boolean } = {}): Promise<StaticSite> {
  const server: Server = createServer((req, res) => {
    const file = resolveStaticPath(root, req.url ?? '/');
    const notFound = join(root, '404.html');
    const served = file ?? (existsSync(notFound) ? notFound : undefined);
    res.statusCode = file ? 200 : 404;
    if (!served) {
      res.end('Not found');
      return;
    }
    const type = TYPES[extname(served)] ?? 'application/octet-stream';
    res.setHeader('Content-Type', type);
    // VitePress names every file under /assets/ by a hash of its content: a host lets browsers keep
    // them (VitePress's deployment guide). Without it every page load fetched and compiled the
    // theme's scripts again, which no reader's browser does.
    if (file && isHashedAsset(req.url ?? '')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    const gzip = options.compress && /^(text\/|application\/json|image\/svg)/.test(type) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (!gzip) {
      createReadStream(served).pipe(res);
      return;
    }
    res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Vary', 'Accept-Encoding');
    createReadStream(served).pipe(createGzip()).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
