/**
 * The engine's public modules (index.ts and everything it imports) must run in the browser, where
 * the Flashcards page will use them: no Node built-ins anywhere in their import graph.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const NODE = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
// `import type` is erased from the JavaScript, so only value imports count.
const IMPORT = /^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;

function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (graph.has(file)) return;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '');
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) visit(resolve(dirname(file), s));
  };
  visit(entry);
  return graph;
}

test('index.ts and its imports use no Node built-ins, only browser-safe packages', () => {
  const graph = importGraph(resolve(dirname(fileURLToPath(import.meta.url)), 'index.ts'));
  const offending = [...graph].flatMap(([file, specifiers]) => specifiers.filter((s) => NODE.has(s) || NODE.has(s.split('/')[0] ?? '')).map((s) => `${file}: ${s}`));
  expect(offending).toEqual([]);
  const packages = new Set([...graph.values()].flat().filter((s) => !s.startsWith('.')));
  expect([...packages].sort()).toEqual(['ts-fsrs', 'yaml', 'zod']);
  expect(graph.size, 'the graph was really walked').toBeGreaterThan(8);
});
