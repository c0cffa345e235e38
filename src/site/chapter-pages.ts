/**
 * The chapter pages, docs/chapters/<id>.md, in the order of src/catalog/chapters.ts. The writers'
 * contract: front matter `title`, `chapter: <id>`, `covers: ["<guide>: <heading>", ...]`.
 * A chapter whose file does not exist yet is simply not linked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { CHAPTERS, type ChapterId } from '../catalog/chapters.ts';
import { parseFrontmatter } from '../catalog/frontmatter.ts';
import { describeError } from '../harness/errors.ts';
import { chapterFile } from './paths.ts';
import { displayPath } from '../catalog/paths.ts';

const chapterMetaSchema = z.object({
  title: z.string().min(1),
  chapter: z.string(),
  covers: z.array(z.string().min(1)).default([]),
});
export type ChapterMeta = z.infer<typeof chapterMetaSchema>;

export interface ChapterPage {
  id: ChapterId;
  /** The title from the front matter, else the catalog's. */
  title: string;
  file: string;
  exists: boolean;
  covers: string[];
  mermaidBlocks: number;
  /** What is wrong with the file, in words a writer can act on (empty when it is fine). */
  problems: string[];
}

export function readChapterPage(id: ChapterId, file = chapterFile(id)): ChapterPage {
  const catalogTitle = CHAPTERS.find((c) => c.id === id)?.title ?? id;
  const page: ChapterPage = { id, title: catalogTitle, file, exists: false, covers: [], mermaidBlocks: 0, problems: [] };
  if (!existsSync(file)) return page;
  page.exists = true;
  const where = displayPath(file);
  let body: string;
  let data: unknown;
  try {
    ({ data, body } = parseFrontmatter(readFileSync(file, 'utf8'), where));
  } catch (error) {
    page.problems.push(describeError(error));
    return page;
  }
  page.mermaidBlocks = countMermaidBlocks(body);
  const parsed = chapterMetaSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) page.problems.push(`${where}: ${issue.path.join('.') || 'front matter'}: ${issue.message}`);
    return page;
  }
  page.title = parsed.data.title;
  page.covers = parsed.data.covers;
  if (parsed.data.chapter !== id) page.problems.push(`${where}: chapter is "${parsed.data.chapter}", but the file is the page of "${id}"`);
  const practice = [...body.matchAll(/<ChapterPractice\s+chapter="([^"]*)"/g)].map((m) => m[1]);
  if (!practice.includes(id)) page.problems.push(`${where}: has no <ChapterPractice chapter="${id}" /> (the list of its exercises and labs)`);
  for (const other of practice.filter((c) => c !== id)) page.problems.push(`${where}: <ChapterPractice chapter="${other}"> lists another chapter's practice`);
  return page;
}

export function readChapterPages(): ChapterPage[] {
  return CHAPTERS.map((c) => readChapterPage(c.id));
}

/** ```mermaid fences, not counting any inside another fence. */
export function countMermaidBlocks(markdown: string): number {
  let count = 0;
  let fence: string | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const match = /^\s{0,3}(`{3,}|~{3,})\s*(\S*)/.exec(line);
    if (!match) continue;
    const marker = match[1] ?? '';
    if (fence === undefined) {
      fence = marker;
      if (match[2] === 'mermaid') count++;
    } else if (marker.startsWith(fence) && match[2] === '') {
      fence = undefined;
    }
  }
  return count;
}
