/**
 * Every box that criticises the guides ("Where the guide goes wrong", "The guide's `publish` …")
 * shows the mistaken pattern in a code block of our own, so the reader sees what is wrong without
 * opening the guide (issue 13, item 6). A new box without one fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../src/catalog/paths.ts';

interface GuideBox {
  /** `docs/chapters/<file>:<line of the opening :::>` */
  where: string;
  title: string;
  /** The languages of the code blocks inside the box (mermaid diagrams are not code). */
  codeLanguages: string[];
}

const OPENING = /^:{3,}\s*(danger|warning|tip|info|details)\s*(.*)$/;
const FENCE = /^(`{3,}|~{3,})\s*([\w-]*)/;

/** The custom containers of one page whose title names the guide(s), with the code blocks in each. */
function guideBoxes(file: string, markdown: string): GuideBox[] {
  const boxes: GuideBox[] = [];
  let open: GuideBox | undefined;
  let fence: string | undefined;
  markdown.split('\n').forEach((line, index) => {
    const fenceMatch = FENCE.exec(line);
    if (fence !== undefined) {
      if (fenceMatch && line.trim() === fence) fence = undefined;
      return;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      if (open && fenceMatch[2] !== 'mermaid') open.codeLanguages.push(fenceMatch[2] || 'text');
      return;
    }
    const opening = OPENING.exec(line);
    if (opening && !open) {
      open = { where: `${file}:${index + 1}`, title: opening[2] ?? '', codeLanguages: [] };
    } else if (open && /^:{3,}\s*$/.test(line)) {
      if (/\bguides?\b/i.test(open.title)) boxes.push(open);
      open = undefined;
    }
  });
  return boxes;
}

const chaptersDir = join(ROOT, 'docs', 'chapters');
const boxes = readdirSync(chaptersDir)
  .filter((f) => f.endsWith('.md'))
  .flatMap((f) => guideBoxes(`docs/chapters/${f}`, readFileSync(join(chaptersDir, f), 'utf8')));

describe('boxes that criticise the guides', () => {
  test('are found in the chapters (the scan reads the containers as VitePress does)', () => {
    expect(boxes.length).toBeGreaterThanOrEqual(80);
  });

  test('each shows the mistaken pattern in a code block of our own', () => {
    const withoutCode = boxes.filter((b) => b.codeLanguages.length === 0).map((b) => `${b.where} ${b.title}`);
    expect(withoutCode, 'add a few lines of code showing the mistaken pattern (and the fix) to each of these boxes').toEqual([]);
  });

  test('a box without code is reported; a diagram or a fenced ::: inside code does not count as code', () => {
    const page = [
      '::: danger Where the guide goes wrong',
      'Prose only.',
      '```mermaid',
      'flowchart TD',
      '```',
      ':::',
      '',
      '::: danger Where the guide goes wrong: with code',
      '```md',
      ':::',
      '```',
      ':::',
      '',
      '::: tip Practice',
      'not about the guide',
      ':::',
    ].join('\n');
    expect(guideBoxes('page.md', page)).toEqual([
      { where: 'page.md:1', title: 'Where the guide goes wrong', codeLanguages: [] },
      { where: 'page.md:8', title: 'Where the guide goes wrong: with code', codeLanguages: ['md'] },
    ]);
  });
});
