import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { serveStatic } from './static-server.ts';

const root = mkdtempSync(join(tmpdir(), 'static-server-'));
const page = `<p>${'a diagram '.repeat(500)}</p>`;
writeFileSync(join(root, 'index.html'), page);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function get(origin: string, path: string, headers: Record<string, string>): Promise<{ encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`${origin}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
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
});
