/**
 * The items of the two guides that the deck must turn into cards, found by parsing the guides'
 * text: interview questions (rapid fire, "When Asked", follow-ups, basic/intermediate/advanced),
 * key terms and concepts, key numbers, the systems comparison and selection table, the checklist,
 * Part 7's Pub/Sub vs Streams table, its channel-naming groups and its message fields.
 *
 * Pure text in, items out: every extractor knows the exact formatting of its section, and fails
 * loudly when a section it expects is missing or empty, so a reworded guide cannot silently shrink
 * the list of items the deck is checked against.
 */
import type { GuideKey } from './schema.ts';

export const ITEM_CATEGORIES = [
  'rapid-fire',
  'senior-explanation',
  'follow-up',
  'basic-question',
  'intermediate-question',
  'advanced-question',
  'key-term',
  'key-concept',
  'key-number',
  'system-comparison',
  'system-selection',
  'checklist',
  'pubsub-vs-streams',
  'naming-convention',
  'message-structure',
] as const;
export type ItemCategory = (typeof ITEM_CATEGORIES)[number];

export interface GuideItem {
  guide: GuideKey;
  category: ItemCategory;
  /** The ## or ### heading the item sits under, as chapters' `covers:` name it. */
  section: string;
  /** The item's exact text in the guide (a question without its quotes, a term, a table's first cell). */
  text: string;
}

/** `"<guide>: <text>"`: how tests and messages name an item. */
export const itemKey = (item: Pick<GuideItem, 'guide' | 'text'>): string => `${item.guide}: ${item.text}`;

export class GuideFormatError extends Error {}

interface Section {
  heading: string;
  level: number;
  lines: string[];
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE = /^\s*(`{3,}|~{3,})/;

/** Leading emoji and garbling removed, as src/site/guides.ts names sections. */
function normaliseHeading(text: string): string {
  return text.replace(/^[^A-Za-z0-9]+/, '').trim();
}

/** Every heading with the lines up to the next heading (headings inside code fences do not count). */
function splitSections(text: string): Section[] {
  const sections: Section[] = [];
  let fence: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const opening = FENCE.exec(line);
    if (opening) fence = fence === undefined ? opening[1] : line.trim().startsWith(fence) ? undefined : fence;
    const heading = fence === undefined && !opening ? HEADING.exec(line) : null;
    if (heading) sections.push({ heading: normaliseHeading(heading[2] ?? ''), level: heading[1]?.length ?? 1, lines: [] });
    else sections.at(-1)?.lines.push(line);
  }
  return sections;
}

function section(sections: Section[], guide: GuideKey, matches: (heading: string) => boolean, what: string): Section {
  const found = sections.find((s) => matches(s.heading));
  if (!found) throw new GuideFormatError(`${guide}: no section ${what} found; has the guide been restructured?`);
  return found;
}

/** The lines of a section and of its subsections (everything before the next heading of its level or higher). */
function withSubsections(sections: Section[], start: Section): Section[] {
  const index = sections.indexOf(start);
  const end = sections.findIndex((s, i) => i > index && s.level <= start.level);
  return sections.slice(index, end === -1 ? undefined : end);
}

function nonEmpty(items: GuideItem[], guide: GuideKey, category: ItemCategory): GuideItem[] {
  if (items.length === 0) throw new GuideFormatError(`${guide}: found no ${category} items; has the section's formatting changed?`);
  return items;
}

const QUESTION = /^\*\*Q:\s*"(.+?)"\*\*\s*$/;
/** `| cell | cell |` → trimmed cells; undefined for separator rows (`|---|---|`). */
function tableCells(line: string): string[] | undefined {
  if (!/^\s*\|/.test(line) || /^\s*\|[\s:|-]+\|\s*$/.test(line)) return undefined;
  return line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim());
}
/** Table rows after the header row. */
function tableRows(lines: string[]): string[][] {
  return lines.map(tableCells).filter((cells): cells is string[] => cells !== undefined).slice(1);
}
const unquote = (text: string): string => text.replace(/^\*\*|\*\*$/g, '').replace(/^"|"$/g, '').trim();
/** The text between the box's side bars: `│  □ Use separate clients   │` → `□ Use separate clients`. */
const boxContent = (line: string): string | undefined => /^\s*[│|]\s?(.*?)\s*[│|]\s*$/.exec(line)?.[1]?.trim();

function questions(section: Section, guide: GuideKey, category: ItemCategory): GuideItem[] {
  return section.lines.flatMap((line) => {
    const match = QUESTION.exec(line.trim());
    return match?.[1] ? [{ guide, category, section: section.heading, text: match[1] }] : [];
  });
}

export function extractCompleteGuideItems(text: string): GuideItem[] {
  const guide = 'complete';
  const sections = splitSections(text);
  const find = (prefix: string): Section => section(sections, guide, (h) => h.startsWith(prefix), `starting "${prefix}"`);
  const items: GuideItem[] = [];
  const add = (category: ItemCategory, found: GuideItem[]): void => {
    items.push(...nonEmpty(found, guide, category));
  };

  add('rapid-fire', questions(find('Interview Rapid Fire'), guide, 'rapid-fire'));

  add(
    'senior-explanation',
    sections.flatMap((s) => {
      const match = /^When Asked:\s*"(.+?)"\s*$/.exec(s.heading);
      return match?.[1] ? [{ guide, category: 'senior-explanation' as const, section: s.heading, text: match[1] }] : [];
    }),
  );

  const followUps = find('Follow-up Questions to Expect');
  add('follow-up', tableRows(followUps.lines).map((cells) => ({ guide, category: 'follow-up', section: followUps.heading, text: unquote(cells[0] ?? '') })));

  const interview = withSubsections(sections, find('10. Interview Questions'));
  for (const [level, category] of [
    ['Basic Questions', 'basic-question'],
    ['Intermediate Questions', 'intermediate-question'],
    ['Advanced Questions', 'advanced-question'],
  ] as const) {
    add(category, questions(section(interview, guide, (h) => h === level, `"${level}" under "10. Interview Questions"`), guide, category));
  }

  const terms = find('Key Terms to Drop');
  add('key-term', tableRows(terms.lines).map((cells) => ({ guide, category: 'key-term', section: terms.heading, text: unquote(cells[0] ?? '') })));

  // `1. PUBLISHER      → Sends messages to topics/channels` inside a plain fence.
  const concepts = find('The 6 Key Concepts');
  add(
    'key-concept',
    concepts.lines.flatMap((line) => {
      const match = /^\s*\d+\.\s+(.+?)\s*→/.exec(line);
      return match?.[1] ? [{ guide, category: 'key-concept' as const, section: concepts.heading, text: match[1] }] : [];
    }),
  );

  const numbers = find('Key Numbers to Remember');
  add('key-number', tableRows(numbers.lines).map((cells) => ({ guide, category: 'key-number', section: numbers.heading, text: unquote(cells[0] ?? '') })));

  // The comparison box: after its title, each system is a line in capitals (`REDIS PUB/SUB`).
  const comparison = find('Pub/Sub Systems Comparison');
  const comparisonLines = comparison.lines.map(boxContent).filter((l): l is string => l !== undefined && l !== '');
  add(
    'system-comparison',
    comparisonLines
      .filter((l) => /^[A-Z][A-Z /]+$/.test(l) && !/COMPARISON/.test(l))
      .map((l) => ({ guide, category: 'system-comparison', section: comparison.heading, text: l })),
  );

  // Quick Reference: the checklist box (`DESIGN:` then `□ item` lines) and the selection box.
  const reference = find('Quick Reference');
  const boxLines = reference.lines.map(boxContent);
  add(
    'checklist',
    boxLines.flatMap((l) => {
      const match = l ? /^□\s*(.+)$/.exec(l) : null;
      return match?.[1] ? [{ guide, category: 'checklist' as const, section: reference.heading, text: match[1] }] : [];
    }),
  );
  const selectionStart = reference.lines.findIndex((l) => /^SYSTEM SELECTION:/.test(l.trim()));
  const selectionEnd = reference.lines.findIndex((l, i) => i > selectionStart && /^└/.test(l.trim()));
  if (selectionStart === -1 || selectionEnd === -1) throw new GuideFormatError(`${guide}: no SYSTEM SELECTION box in "Quick Reference"`);
  add(
    'system-selection',
    reference.lines
      .slice(selectionStart, selectionEnd)
      .map((l) => /^\s*│\s*([^│]+?)\s*│\s*([^│]+?)\s*│\s*$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && m[1] !== 'Use Case')
      .map((m) => ({ guide, category: 'system-selection', section: reference.heading, text: m[1] ?? '' })),
  );
  return items;
}

export function extractPart7Items(text: string): GuideItem[] {
  const guide = 'part7';
  const sections = splitSections(text);
  const find = (heading: string): Section => section(sections, guide, (h) => h === heading, `"${heading}"`);
  const items: GuideItem[] = [];
  const add = (category: ItemCategory, found: GuideItem[]): void => {
    items.push(...nonEmpty(found, guide, category));
  };

  // `- **Publisher**: Sends messages to channels`
  const concepts = find('Basic Concepts');
  add(
    'key-concept',
    concepts.lines.flatMap((line) => {
      const match = /^\s*-\s+\*\*(.+?)\*\*:/.exec(line);
      return match?.[1] ? [{ guide, category: 'key-concept' as const, section: concepts.heading, text: match[1] }] : [];
    }),
  );

  const versus = find('Pub/Sub vs Streams');
  add('pubsub-vs-streams', tableRows(versus.lines).map((cells) => ({ guide, category: 'pubsub-vs-streams', section: versus.heading, text: cells[0] ?? '' })));

  // Comments inside the CHANNELS object name the groups: `  // Hierarchical naming`.
  const naming = find('1. Channel Naming Conventions');
  const objectStart = naming.lines.findIndex((l) => /=\s*\{\s*$/.test(l));
  add(
    'naming-convention',
    naming.lines.slice(objectStart + 1).flatMap((line) => {
      const match = /^\s+\/\/\s*(.+?)\s*$/.exec(line);
      return objectStart !== -1 && match?.[1] ? [{ guide, category: 'naming-convention' as const, section: naming.heading, text: match[1] }] : [];
    }),
  );

  // The fields of `interface StandardMessage { ... }`, nested metadata fields included.
  const structure = find('2. Message Structure Standards');
  const start = structure.lines.findIndex((l) => /^interface\s+\w+\s*\{/.test(l.trim()));
  const end = structure.lines.findIndex((l, i) => i > start && /^\}/.test(l));
  add(
    'message-structure',
    (start === -1 || end === -1 ? [] : structure.lines.slice(start + 1, end)).flatMap((line) => {
      const match = /^\s+(\w+)\??\s*:/.exec(line);
      return match?.[1] ? [{ guide, category: 'message-structure' as const, section: structure.heading, text: match[1] }] : [];
    }),
  );
  return items;
}

export function extractGuideItems(guide: GuideKey, text: string): GuideItem[] {
  return guide === 'complete' ? extractCompleteGuideItems(text) : extractPart7Items(text);
}
