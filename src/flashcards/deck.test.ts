/**
 * The deck as data: every file of deck/cards/ parses against the card schema, every card links a
 * real chapter heading, every card's source names a real guide section, and every interview
 * question, key term, key number, table row, checklist item and convention of both guides has a card.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createMarkdownRenderer } from 'vitepress';
import { CHAPTERS } from '../catalog/chapters.ts';
import { parseFrontmatter } from '../catalog/frontmatter.ts';
import { GUIDES_DIR, GUIDE_IDS, guideSections, sectionKey } from '../site/guides.ts';
import { DOCS_DIR, chapterFile } from '../site/paths.ts';
import { DeckError, parseDeck } from './deck.ts';
import { loadDeck, readDeckFiles } from './deck-files.ts';
import { ITEMS_SNAPSHOT, readGuideItems, readItemsSnapshot } from './guide-items-file.ts';
import { ITEM_CATEGORIES, itemKey, type GuideItem } from './guide-items.ts';
import { GUIDE_KEYS, type Card } from './schema.ts';

const deck = loadDeck();
const fromGuides = readGuideItems();
const items = fromGuides ?? readItemsSnapshot();

describe('the deck files', () => {
  test('every card parses against the schema, ids are unique, files are named after chapters', () => {
    // loadDeck throws a DeckError listing every problem; reaching here means there were none.
    expect(deck.cards.length).toBeGreaterThan(100);
    expect(new Set(deck.cards.map((c) => c.id)).size).toBe(deck.cards.length);
    for (const file of readDeckFiles()) expect(CHAPTERS.map((c) => `${c.id}.yaml`), `deck/cards/${file.name}`).toContain(file.name);
  });

  test('the schema rejects what a writer might get wrong, naming file, card and field', () => {
    const valid = { id: 'x-card', question: 'Q?', answer: 'A.', level: 'basic', kind: 'question', source: [{ guide: 'complete', section: 'Quick Reference' }], rubric: ['a', 'b', 'c'] };
    // JSON is YAML too: a file holding one card with `fields` changed.
    const card = (fields: Record<string, unknown>): string => JSON.stringify([{ ...valid, ...fields }]);
    const problems = (name: string, text: string): string[] => {
      try {
        parseDeck([{ name, text }]);
        return [];
      } catch (error) {
        return error instanceof DeckError ? error.problems : [String(error)];
      }
    };
    expect(problems('kafka.yaml', card({}))).toEqual([]);
    expect(problems('kafka.yaml', card({ kind: 'number' })).join()).toMatch(/card "x-card": asOf: a number card needs asOf/);
    expect(problems('kafka.yaml', card({ rubric: ['only one'] })).join()).toMatch(/kafka\.yaml: card "x-card": rubric: needs 3 to 6 key points/);
    expect(problems('kafka.yaml', card({ level: 'expert' })).join()).toMatch(/level:/);
    expect(problems('kafka.yaml', card({ chapter: 'sns' })).join()).toMatch(/chapter is "sns" but the card is in kafka\.yaml/);
    expect(problems('kafka.yaml', card({ typo: 1 })).join()).toMatch(/Unrecognized key/i);
    expect(problems('kafka.yaml', card({ id: 'Not A Slug' })).join()).toMatch(/id: must be a lowercase slug/);
    expect(problems('kafkaa.yaml', card({})).join()).toMatch(/"kafkaa" is not a chapter id/);
    expect(problems('kafka.yaml', 'id: [unclosed').join()).toMatch(/not valid YAML/);
    expect(problems('kafka.yaml', JSON.stringify([valid, valid])).join()).toMatch(/"x-card" is used twice/);
  });

  test('every number card says which version or date it holds for', () => {
    const numbers = deck.cards.filter((c) => c.kind === 'number');
    expect(numbers.length).toBeGreaterThanOrEqual(5);
    expect(numbers.filter((c) => !c.asOf).map((c) => c.id)).toEqual([]);
  });
});

describe('links from cards to chapters', () => {
  test('every card links a chapter page that exists, at a heading that page really has', async () => {
    // VitePress's own Markdown renderer gives the heading ids the built site will have (its slug
    // rules, and -1, -2 suffixes for repeated headings). Highlighting is switched off: only ids matter.
    const md = await createMarkdownRenderer(DOCS_DIR, { highlight: () => '' });
    const ids = new Map<string, string[]>();
    const headingIds = (chapter: Card['chapter']): string[] => {
      let found = ids.get(chapter);
      if (!found) {
        const { body } = parseFrontmatter(readFileSync(chapterFile(chapter), 'utf8'), chapter);
        found = md
          .parse(body, {})
          .filter((token) => token.type === 'heading_open')
          .map((token) => token.attrGet('id') ?? '');
        ids.set(chapter, found);
      }
      return found;
    };
    const broken: string[] = [];
    for (const card of deck.cards) {
      let headings: string[];
      try {
        headings = headingIds(card.chapter);
      } catch {
        broken.push(`${card.id}: docs/chapters/${card.chapter}.md does not exist`);
        continue;
      }
      if (card.anchor && !headings.includes(card.anchor)) broken.push(`${card.id}: docs/chapters/${card.chapter}.md has no heading "#${card.anchor}"`);
    }
    expect(broken, `${broken.length} card link(s) lead nowhere:\n  ${broken.join('\n  ')}\n`).toEqual([]);
    expect(headingIds('interview'), 'the slug rules VitePress applies').toEqual(expect.arrayContaining(['what-is-pub-sub', 'what-is-pub-sub-1', 'redis-pub-sub-vs-kafka-when-do-you-use-each']));
  });

  test("every card's source names a real section of a guide", () => {
    const sections = new Set(guideSections().map(sectionKey));
    const unknown = deck.cards.flatMap((card) => card.source.filter((s) => !sections.has(`${s.guide}: ${s.section}`)).map((s) => `${card.id}: "${s.guide}: ${s.section}"`));
    expect(unknown, `sources naming no ## or ### heading of the guides:\n  ${unknown.join('\n  ')}\n`).toEqual([]);
  });
});

describe('every guide item has a card', () => {
  test('the guide keys of the schema are the guides the site knows', () => {
    expect([...GUIDE_KEYS].sort()).toEqual([...GUIDE_IDS].sort());
  });

  // The guides sit next to the repository, not in it; a learner's clone checks against the snapshot.
  test.runIf(fromGuides !== undefined)(`deck/guide-items.json matches what the guides in ${GUIDES_DIR} contain`, () => {
    expect(readItemsSnapshot(), `the guides changed: regenerate ${ITEMS_SNAPSHOT} with \`npx tsx src/flashcards/guide-items-file.ts\``).toEqual(fromGuides);
  });

  test('the guides yield items of every category', () => {
    const counts = Object.fromEntries(ITEM_CATEGORIES.map((c) => [c, items.filter((i) => i.category === c).length]));
    // The numbers the guides hold today: a parser that silently finds fewer fails here.
    expect(counts).toEqual({
      'rapid-fire': 5,
      'senior-explanation': 2,
      'follow-up': 4,
      'basic-question': 3,
      'intermediate-question': 3,
      'advanced-question': 2,
      'key-term': 6,
      'key-concept': 11,
      'key-number': 5,
      'system-comparison': 5,
      'system-selection': 8,
      checklist: 19,
      'pubsub-vs-streams': 6,
      'naming-convention': 4,
      'message-structure': 11,
    });
  });

  test('every item of both guides is the source of at least one card', () => {
    const covered = new Set(deck.cards.flatMap((c) => c.source.flatMap((s) => (s.item ? [`${s.guide}|${s.section}|${s.item}`] : []))));
    const missing = items.filter((i) => !covered.has(`${i.guide}|${i.section}|${i.text}`)).map((i: GuideItem) => `${i.category.padEnd(22)} ${itemKey(i)}  (section "${i.section}")`);
    expect(missing, `${missing.length} guide item(s) have no card; add a card whose source has { guide, section, item } for each:\n  ${missing.join('\n  ')}\n`).toEqual([]);
  });

  test("every card's source item is a real guide item (no typos, nothing stale)", () => {
    const known = new Set(items.map((i) => `${i.guide}|${i.section}|${i.text}`));
    const stale = deck.cards.flatMap((c) => c.source.filter((s) => s.item && !known.has(`${s.guide}|${s.section}|${s.item}`)).map((s) => `${c.id}: ${s.guide} "${s.section}" / "${s.item}"`));
    expect(stale, `source items that are not in the guides:\n  ${stale.join('\n  ')}\n`).toEqual([]);
  });
});
