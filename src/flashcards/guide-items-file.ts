/**
 * The guide items the deck is checked against, read from the guides when they sit next to the
 * repository (../shared/guides/), else from the snapshot deck/guide-items.json that a learner's
 * clone carries. The docs tests keep the same arrangement for the guides' headings
 * (src/site/guides.ts). `npx tsx src/flashcards/guide-items-file.ts` rewrites the snapshot.
 * Node only.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, displayPath } from '../catalog/paths.ts';
import { WorkbookError } from '../harness/errors.ts';
import { GUIDES, GUIDES_DIR, GUIDE_IDS } from '../site/guides.ts';
import { extractGuideItems, type GuideItem } from './guide-items.ts';

export const ITEMS_SNAPSHOT = join(ROOT, 'deck', 'guide-items.json');

/** Parses the guides themselves; undefined when they are not there. */
export function readGuideItems(dir = GUIDES_DIR): GuideItem[] | undefined {
  const files = GUIDE_IDS.map((id) => join(dir, GUIDES[id].file));
  if (!files.every((f) => existsSync(f))) return undefined;
  return GUIDE_IDS.flatMap((id) => extractGuideItems(id, readFileSync(join(dir, GUIDES[id].file), 'utf8')));
}

export function readItemsSnapshot(file = ITEMS_SNAPSHOT): GuideItem[] {
  if (!existsSync(file)) throw new WorkbookError(`${displayPath(file)} is missing: regenerate it with \`npx tsx src/flashcards/guide-items-file.ts\` (needs ../shared/guides/).`);
  return JSON.parse(readFileSync(file, 'utf8')) as GuideItem[];
}

export function writeItemsSnapshot(items: GuideItem[], file = ITEMS_SNAPSHOT): void {
  writeFileSync(file, `${JSON.stringify(items, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const items = readGuideItems();
  if (!items) {
    process.stderr.write(`The guides are not in ${GUIDES_DIR}: set WORKBOOK_GUIDES_DIR to the folder that has them.\n`);
    process.exit(1);
  }
  writeItemsSnapshot(items);
  process.stdout.write(`Wrote ${items.length} guide items to ${displayPath(ITEMS_SNAPSHOT)}.\n`);
}
