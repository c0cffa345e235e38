/**
 * What the site says about its pages without a browser: each page's own meta description, the labs
 * grouped by chapter in learning order, and what a diagram's source declares (against which the
 * browser test compares the drawing).
 */
import { describe, expect, test } from 'vitest';
import { loadLabs, loadTracks } from '../src/catalog/catalog.ts';
import { CHAPTERS } from '../src/catalog/chapters.ts';
import { readDiagramSource, sourceMismatches } from '../src/site/diagram-source.ts';
import { labsByChapter } from '../src/site/shared.ts';
import { firstParagraph, pageDescription, plainSummary } from './.vitepress/descriptions.ts';

describe('meta descriptions', () => {
  const exercise = loadTracks()[0]?.exercises[0];
  const lab = loadLabs()[0];

  test('every kind of page gets its own, at most 160 characters', () => {
    if (!exercise || !lab) throw new Error('the workbook needs an exercise and a lab');
    const pages = [
      { relativePath: 'chapters/kafka.md', frontmatter: {} },
      { relativePath: 'chapters/sns.md', frontmatter: {} },
      { relativePath: `labs/${lab.name}.md`, frontmatter: {}, params: { name: lab.name } },
      { relativePath: `exercises/${exercise.trackId}/${exercise.name}.md`, frontmatter: {}, params: { track: exercise.trackId, name: exercise.name } },
      { relativePath: 'flashcards.md', frontmatter: {} },
      { relativePath: 'index.md', frontmatter: { description: 'Given.' } },
    ];
    const descriptions = pages.map(pageDescription);
    expect(new Set(descriptions).size, 'all different').toBe(pages.length);
    for (const d of descriptions) expect(d?.length).toBeLessThanOrEqual(160);
    expect(descriptions[0]).toMatch(/^Redis Pub\/Sub forgets a message/);
    expect(descriptions[2]).toBe(plainSummary(`Lab: ${lab.summary}`));
    expect(descriptions[3]).toMatch(new RegExp(`^Exercise: ${exercise.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.`));
    expect(descriptions[5]).toBe('Given.');
  });

  test('the first paragraph skips headings, lists, code and components; long text is cut at a word', () => {
    expect(firstParagraph('---\ntitle: x\n---\n\n# Title\n\n<Comp />\n\n- a list\n\nThe `first` [real](./x.md) paragraph.\n')).toBe('The `first` [real](./x.md) paragraph.');
    expect(plainSummary('The `first` [real](./x.md) paragraph.')).toBe('The first real paragraph.');
    const long = plainSummary('word '.repeat(60));
    expect(long.length).toBeLessThanOrEqual(160);
    expect(long.endsWith('word…')).toBe(true);
  });
});

test('labs are grouped by chapter, chapters in learning order', () => {
  const groups = labsByChapter({ labs: loadLabs() });
  const order = CHAPTERS.map((c) => c.id);
  expect(groups.map((g) => order.indexOf(g.id as (typeof order)[number]))).toEqual([...groups.map((g) => order.indexOf(g.id as (typeof order)[number]))].sort((a, b) => a - b));
  expect(groups.flatMap((g) => g.labs).length).toBe(loadLabs().length);
});

describe('a diagram source, read as its author meant it', () => {
  test('a ";" in a transition label is part of the label, so a drawing that cut it is caught', () => {
    const source = readDiagramSource('stateDiagram-v2\n  accTitle: Two states\n  accDescr: A then B.\n  [*] --> A: one\n  A --> B: trimmed; later words\n');
    expect(source).toMatchObject({ kind: 'state', title: 'Two states', description: 'A then B.', nodes: 3 });
    expect(sourceMismatches(source, { texts: ['one', 'trimmed', 'A', 'B', ';', 'later', 'words'], nodes: 5 })).toEqual([
      'labels missing or cut short: "trimmed; later words"',
      '5 nodes drawn, the source declares 3',
    ]);
    expect(sourceMismatches(source, { texts: ['one', 'trimmed; later words', 'A', 'B'], nodes: 3 })).toEqual([]);
  });

  test('flowchart nodes and labels, with brackets and arrows inside quotes', () => {
    const source = readDiagramSource('flowchart LR\n  P["publish {ref, size}"] -- "1. PUT a -> b" --> S[("store")]\n  S -.->|"4. expire"| S\n  subgraph G["group"]\n    X\n  end\n');
    expect(source.nodes).toBe(3);
    expect(source.labels).toEqual(expect.arrayContaining(['publish {ref, size}', '1. PUT a -> b', 'store', '4. expire', 'group']));
  });

  test('sequence participants and messages', () => {
    const source = readDiagramSource('sequenceDiagram\n  participant A as Alice\n  A->>B: hello there\n  Note over A,B: a note\n  loop every second\n    B-->>A: tick\n  end\n');
    expect(source.nodes).toBe(2);
    expect(source.labels).toEqual(expect.arrayContaining(['Alice', 'hello there', 'a note', 'every second', 'tick', 'B']));
  });
});
