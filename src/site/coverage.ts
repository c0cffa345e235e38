/**
 * Which page covers each section of the guides, from the pages' `covers:` front matter. The same
 * data drives the coverage table on the site (docs/reference/coverage.md) and the test that fails
 * when a section has no page, a `covers:` entry names no section, or a page that covers a guide's
 * ASCII drawings has fewer mermaid diagrams than the drawings it replaces.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFrontmatter } from '../catalog/frontmatter.ts';
import { displayPath } from '../catalog/paths.ts';
import { readChapterPages, countMermaidBlocks } from './chapter-pages.ts';
import { sectionKey, type GuideSection } from './guides.ts';
import { DOCS_DIR } from './paths.ts';
import { chapterUrl } from './shared.ts';

export interface CoveringPage {
  title: string;
  url: string;
  /** Path from the repository root, for messages. */
  source: string;
  covers: string[];
  mermaidBlocks: number;
}

export interface CoverageRow extends GuideSection {
  key: string;
  pages: Array<Pick<CoveringPage, 'title' | 'url'>>;
}

export interface DrawingShortfall {
  page: CoveringPage;
  needed: number;
  sections: string[];
}

export interface Coverage {
  rows: CoverageRow[];
  uncovered: CoverageRow[];
  /** `covers:` entries that match no heading (a typo, or a heading that is not ## or ###). */
  unknown: Array<{ page: CoveringPage; entry: string }>;
  drawingShortfalls: DrawingShortfall[];
}

// Pages besides the chapters that may claim guide sections (the home page is the table of contents).
const OTHER_COVERING_PAGES = [{ file: 'index.md', url: '/' }];

/** Every written chapter, plus the other pages that declare `covers:`. */
export function coveringPages(): CoveringPage[] {
  const chapters = readChapterPages()
    .filter((c) => c.exists)
    .map((c) => ({ title: c.title, url: chapterUrl(c.id), source: displayPath(c.file), covers: c.covers, mermaidBlocks: c.mermaidBlocks }));
  const others = OTHER_COVERING_PAGES.flatMap(({ file, url }) => {
    const path = join(DOCS_DIR, file);
    if (!existsSync(path)) return [];
    const { data, body } = parseFrontmatter(readFileSync(path, 'utf8'), displayPath(path));
    const front = (data ?? {}) as { title?: unknown; covers?: unknown };
    const covers = Array.isArray(front.covers) ? front.covers.filter((c): c is string => typeof c === 'string') : [];
    return [{ title: typeof front.title === 'string' ? front.title : 'Home', url, source: displayPath(path), covers, mermaidBlocks: countMermaidBlocks(body) }];
  });
  return [...chapters, ...others];
}

export function computeCoverage(sections: GuideSection[], pages: CoveringPage[]): Coverage {
  const rows = new Map<string, CoverageRow>();
  for (const section of sections) {
    const key = sectionKey(section);
    const existing = rows.get(key);
    // A heading used twice in one guide is one section to cover; its drawings add up.
    if (existing) existing.drawings += section.drawings;
    else rows.set(key, { ...section, key, pages: [] });
  }
  const unknown: Coverage['unknown'] = [];
  const drawingShortfalls: DrawingShortfall[] = [];
  for (const page of pages) {
    let needed = 0;
    const drawn: string[] = [];
    for (const entry of new Set(page.covers.map((c) => c.trim()))) {
      const row = rows.get(entry);
      if (!row) {
        unknown.push({ page, entry });
        continue;
      }
      row.pages.push({ title: page.title, url: page.url });
      if (row.drawings > 0) {
        needed += row.drawings;
        drawn.push(`${entry} (${row.drawings})`);
      }
    }
    if (page.mermaidBlocks < needed) drawingShortfalls.push({ page, needed, sections: drawn });
  }
  const all = [...rows.values()];
  return { rows: all, uncovered: all.filter((r) => r.pages.length === 0), unknown, drawingShortfalls };
}

/** Suggests the real heading closest to a mistyped `covers:` entry. */
export function closestSection(entry: string, keys: string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of keys) {
    const distance = editDistance(entry.toLowerCase(), key.toLowerCase());
    if (!best || distance < best.distance) best = { key, distance };
  }
  return best && best.distance <= Math.max(3, entry.length / 4) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
