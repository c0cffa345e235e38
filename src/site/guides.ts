/**
 * The sections of the two source guides, as chapters name them in their `covers:` front matter
 * ("complete: 1. Redis Pub/Sub"), and the ASCII drawings each section holds.
 *
 * The guides sit outside the repository (../shared/guides/), so a learner's clone has no copy.
 * Their headings are kept in docs/reference/guide-sections.json; when the guides are present,
 * the docs tests check that this snapshot still matches them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../catalog/paths.ts';
import { WorkbookError } from '../harness/errors.ts';
import { DOCS_DIR } from './paths.ts';

export const GUIDES = {
  part7: { file: '000_2a90eeb85f704883.txt', title: 'Redis Part 7: Pub/Sub Messaging' },
  complete: { file: '001_9f2364f510ec19fa.txt', title: 'Pub/Sub Systems – Complete Guide' },
} as const;
export type GuideId = keyof typeof GUIDES;
export const GUIDE_IDS = Object.keys(GUIDES) as GuideId[];

export const GUIDES_DIR = process.env.WORKBOOK_GUIDES_DIR ?? join(ROOT, '..', 'shared', 'guides');
export const SECTIONS_SNAPSHOT = join(DOCS_DIR, 'reference', 'guide-sections.json');

export interface GuideSection {
  guide: GuideId;
  /** The heading as `covers:` names it: leading emoji and other non-alphanumerics removed. */
  heading: string;
  level: 2 | 3;
  /** ASCII drawings in this section (before the next ## or ### heading). */
  drawings: number;
}

/** `"<guide>: <heading>"`, the form a chapter's `covers:` entry takes. */
export const sectionKey = (section: Pick<GuideSection, 'guide' | 'heading'>): string => `${section.guide}: ${section.heading}`;

export function normaliseHeading(text: string): string {
  return text.replace(/^[^A-Za-z0-9]+/, '').trim();
}

// A drawing is a fence with no language (code fences are `typescript`) that uses box-drawing characters.
const BOX_DRAWING = /[\u2500-\u257F]/;
const FENCE = /^(`{3,}|~{3,})\s*([\w-]*)/;
const HEADING = /^(#{2,3})\s+(.+?)\s*#*\s*$/;

/** The `##`/`###` sections of a guide's text, ignoring lines inside code fences. */
export function extractSections(guide: GuideId, text: string): GuideSection[] {
  const sections: GuideSection[] = [];
  let fence: { marker: string; drawing: boolean; plain: boolean } | undefined;
  for (const line of text.split(/\r?\n/)) {
    const opening = FENCE.exec(line);
    if (fence) {
      if (opening && line.trim().startsWith(fence.marker) && opening[2] === '') {
        const current = sections.at(-1);
        if (fence.plain && fence.drawing && current) current.drawings++;
        fence = undefined;
      } else if (BOX_DRAWING.test(line)) {
        fence.drawing = true;
      }
      continue;
    }
    if (opening) {
      const language = (opening[2] ?? '').toLowerCase();
      fence = { marker: opening[1] ?? '```', drawing: false, plain: ['', 'text', 'txt', 'plain'].includes(language) };
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      sections.push({ guide, heading: normaliseHeading(heading[2] ?? ''), level: (heading[1]?.length ?? 2) as 2 | 3, drawings: 0 });
    }
  }
  return sections;
}

/** Reads the guides themselves; undefined when they are not next to the repository. */
export function readGuideSections(dir = GUIDES_DIR): GuideSection[] | undefined {
  const files = GUIDE_IDS.map((id) => join(dir, GUIDES[id].file));
  if (!files.every((f) => existsSync(f))) return undefined;
  return GUIDE_IDS.flatMap((id) => extractSections(id, readFileSync(join(dir, GUIDES[id].file), 'utf8')));
}

export function readSnapshot(file = SECTIONS_SNAPSHOT): GuideSection[] {
  if (!existsSync(file)) {
    throw new WorkbookError(`${file} is missing: regenerate it with \`npx tsx src/site/guides.ts\` (needs ../shared/guides/).`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as GuideSection[];
}

export function writeSnapshot(sections: GuideSection[], file = SECTIONS_SNAPSHOT): void {
  writeFileSync(file, `${JSON.stringify(sections, null, 2)}\n`);
}

/** The sections from the guides when present, else from the snapshot (a learner's clone). */
export function guideSections(): GuideSection[] {
  return readGuideSections() ?? readSnapshot();
}

// `npx tsx src/site/guides.ts` rewrites the snapshot from the guides.
if (import.meta.url === `file://${process.argv[1]}`) {
  const sections = readGuideSections();
  if (!sections) {
    process.stderr.write(`The guides are not in ${GUIDES_DIR}: set WORKBOOK_GUIDES_DIR to the folder that has them.\n`);
    process.exit(1);
  }
  writeSnapshot(sections);
  process.stdout.write(`Wrote ${sections.length} sections to ${SECTIONS_SNAPSHOT}.\n`);
}
