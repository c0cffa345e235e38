import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Inbox } from '../testing/wait.ts';
import { watchFiles, type FileWatcher } from './watcher.ts';

let dir: string;
let watcher: FileWatcher | undefined;
afterEach(() => {
  watcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup(): string {
  dir = mkdtempSync(join(tmpdir(), 'watch-'));
  const file = join(dir, 'exercise.ts');
  writeFileSync(file, 'export const a = 1;\n');
  return file;
}

describe.each([
  ['events', false],
  ['polling', true],
] as const)('watchFiles (%s)', (mode, poll) => {
  test('reports a save that changes the content', async () => {
    const file = setup();
    const changes = new Inbox<string>();
    watcher = watchFiles([file], changes.push, { poll, pollIntervalMs: 50 });
    expect(watcher.mode).toBe(mode);

    writeFileSync(file, 'export const a = 2;\n');

    await changes.waitFor(1, 3_000, 'the change being reported');
    expect(changes.items).toEqual([file]);
  });

  test('reports an editor-style save (write a new file, rename it over the old one)', async () => {
    const file = setup();
    const changes = new Inbox<string>();
    watcher = watchFiles([file], changes.push, { poll, pollIntervalMs: 50 });

    writeFileSync(`${file}.tmp`, 'export const a = 3;\n');
    renameSync(`${file}.tmp`, file);

    await changes.waitFor(1, 3_000, 'the renamed-over save being reported');
  });

  test('ignores a save that leaves the content as it was, then reports the next real change', async () => {
    const file = setup();
    const changes = new Inbox<string>();
    watcher = watchFiles([file], changes.push, { poll, pollIntervalMs: 50 });

    writeFileSync(file, 'export const a = 1;\n');
    writeFileSync(file, 'export const a = 4;\n');

    await changes.waitFor(1, 3_000, 'the real change being reported');
    writeFileSync(file, 'export const a = 5;\n');
    await changes.waitFor(2, 3_000, 'the second real change being reported');
    expect(changes.items, 'one report per real change').toHaveLength(2);
  });
});
