/**
 * Every section of both guides lands on a page, every `covers:` entry names a real section, every
 * chapter has its page, and the pages that take over the guides' ASCII drawings draw them in mermaid.
 */
import { describe, expect, test } from 'vitest';
import { CHAPTERS } from '../src/catalog/chapters.ts';
import { displayPath } from '../src/catalog/paths.ts';
import { readChapterPages } from '../src/site/chapter-pages.ts';
import { closestSection, computeCoverage, coveringPages } from '../src/site/coverage.ts';
import { GUIDES_DIR, extractSections, normaliseHeading, readGuideSections, readSnapshot, sectionKey } from '../src/site/guides.ts';

const fromGuides = readGuideSections();
const sections = fromGuides ?? readSnapshot();
const chapters = readChapterPages();
const coverage = computeCoverage(sections, coveringPages());

describe('reading the guides', () => {
  test('headings lose leading emoji and garbling, and headings inside code fences do not count', () => {
    const text = [
      '# Title (not a section)',
      '## 🧠 MUST REMEMBER TO IMPRESS (Memorize This!)',
      '## ğŸ¯ How to Explain Like a Senior Developer',
      '### 1. Channel Naming Conventions',
      '```typescript',
      '## not a heading: inside code',
      '```',
      '#### too deep',
    ].join('\n');
    expect(extractSections('complete', text).map((s) => `${s.level} ${s.heading}`)).toEqual([
      '2 MUST REMEMBER TO IMPRESS (Memorize This!)',
      '2 How to Explain Like a Senior Developer',
      '3 1. Channel Naming Conventions',
    ]);
    expect(normaliseHeading('  📚 Table of Contents ')).toBe('Table of Contents');
  });

  test('a drawing is a plain fence with box-drawing characters; code fences with separator comments are not', () => {
    const text = ['## A', '```', '┌──┐', '│ x │', '└──┘', '```', '```typescript', '// ════ section', '```', '## B', '```', 'no box here', '```'].join('\n');
    expect(extractSections('complete', text).map((s) => [s.heading, s.drawings])).toEqual([
      ['A', 1],
      ['B', 0],
    ]);
  });

  test('the four drawing sections of the complete guide are found', () => {
    const drawn = sections.filter((s) => s.drawings > 0).map(sectionKey);
    expect(drawn).toEqual(
      expect.arrayContaining([
        'complete: Pub/Sub vs Message Queue',
        'complete: Pub/Sub Systems Comparison',
        'complete: Quick Architecture Drawing (Draw This!)',
        'complete: Quick Reference',
      ]),
    );
  });

  // The guides live next to the repository, not in it; a learner's clone checks against the snapshot.
  test.runIf(fromGuides !== undefined)(`docs/reference/guide-sections.json matches the guides in ${GUIDES_DIR}`, () => {
    expect(readSnapshot(), 'the guides changed: regenerate the snapshot with `npx tsx src/site/guides.ts`').toEqual(fromGuides);
  });
});

describe('coverage of the guides', () => {
  test('every chapter of src/catalog/chapters.ts has its page in docs/chapters/', () => {
    const missing = chapters.filter((c) => !c.exists).map((c) => `${c.id} (${displayPath(c.file)})`);
    expect(missing, `${missing.length} of ${CHAPTERS.length} chapters have no page yet:\n  ${missing.join('\n  ')}\n`).toEqual([]);
  });

  test('every chapter page has valid front matter (title, chapter: <its id>, covers) and its <ChapterPractice>', () => {
    const problems = chapters.flatMap((c) => c.problems);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('every ## and ### section of both guides is covered by a page', () => {
    const uncovered = coverage.uncovered.map((row) => row.key);
    expect(uncovered, `${uncovered.length} section(s) have no page; add each to the \`covers:\` of the chapter that teaches it:\n  ${uncovered.join('\n  ')}\n`).toEqual([]);
  });

  test('every covers: entry names a real ## or ### heading of a guide', () => {
    const keys = coverage.rows.map((r) => r.key);
    const unknown = coverage.unknown.map(({ page, entry }) => {
      const near = closestSection(entry, keys);
      return `${page.source}: "${entry}"${near ? ` (did you mean "${near}"?)` : ''}`;
    });
    expect(unknown, `covers: entries that match no heading (write "<part7|complete>: <heading>", emoji removed):\n  ${unknown.join('\n  ')}\n`).toEqual([]);
  });

  test('a page that covers a section with ASCII drawings has at least as many mermaid diagrams', () => {
    const short = coverage.drawingShortfalls.map(
      (s) => `${s.page.source} has ${s.page.mermaidBlocks} mermaid diagram(s) but covers ${s.needed} drawing(s): ${s.sections.join(', ')}`,
    );
    expect(short, `every ASCII drawing of the guides becomes a \`\`\`mermaid diagram:\n  ${short.join('\n  ')}\n`).toEqual([]);
  });
});
