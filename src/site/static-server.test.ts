import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { serveStatic } from './static-server.ts';

const root = mkdtempSync(join(tmpdir(), 'static-server-'));
const page = `<p>${'a diagram '.repeat(500)}</p>`;
writeFileSync(join(root, 'index.html'), page);
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'assets', 'app.BJ5b9rwh.js'), 'export {};');
writeFileSync(join(root, 'assets', 'notes.js'), 'export {};');
afterAll(() => rmSync(root, { recursive: true, force: true }));

function get(origin: string, path: string, headers: Record<string, string>): Promise<{ encoding: string | undefined; cache: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`${origin}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ encoding: res.headers['content-encoding'], cache: res.headers['cache-control'], body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('the static server', () => {
  test('sends bytes as they are by default, and gzipped with `compress` to a client that accepts it (as a host does, for Lighthouse)', async () => {
    const plain = await serveStatic(root);
    const compressed = await serveStatic(root, { compress: true });
    try {
      const asIs = await get(plain.origin, '/', { 'accept-encoding': 'gzip' });
      expect(asIs.encoding).toBeUndefined();
      expect(asIs.body.toString()).toBe(page);
      const zipped = await get(compressed.origin, '/', { 'accept-encoding': 'gzip, deflate' });
      expect(zipped.encoding).toBe('gzip');
      expect(zipped.body.length).toBeLessThan(page.length / 10);
      expect(gunzipSync(zipped.body).toString()).toBe(page);
      const refused = await get(compressed.origin, '/', {});
      expect(refused.encoding).toBeUndefined();
      expect(refused.body.toString()).toBe(page);
    } finally {
      await plain.close();
      await compressed.close();
    }
  });

  test('lets browsers keep the files whose names carry their content hash, and only those', async () => {
    const site = await serveStatic(root);
    try {
      expect((await get(site.origin, '/assets/app.BJ5b9rwh.js', {})).cache).toBe('public, max-age=31536000, immutable');
      expect((await get(site.origin, '/assets/notes.js', {})).cache, 'a name without a hash').toBeUndefined();
      expect((await get(site.origin, '/', {})).cache, 'a page').toBeUndefined();
      expect((await get(site.origin, '/assets/gone.BJ5b9rwh.js', {})).cache, 'a 404').toBeUndefined();
    } finally {
      await site.close();
    }
  });
});
