/**
 * Each page's own meta description (search engines and link previews show it): the front matter's
 * `description` if the page has one; otherwise the page's first paragraph for written pages, and
 * the catalog's own words for the generated exercise and lab pages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PageData } from 'vitepress';
import { loadLabs, loadTracks } from '../../src/catalog/catalog.ts';
import { DOCS_DIR } from '../../src/site/paths.ts';

const LIMIT = 160;

/** Markdown reduced to plain words, cut at a word boundary to at most LIMIT characters. */
export function plainSummary(markdown: string): string {
  const text = markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= LIMIT) return text;
  const cut = text.slice(0, LIMIT - 1);
  return `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}

/** The first paragraph of prose after the title (no heading, list, code, component or admonition). */
export function firstParagraph(markdown: string): string {
  const body = markdown.replace(/^---\n[\s\S]*?\n---\n/, '');
  const paragraph = body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .find((p) => p !== '' && !/^(#|<|```|:::|[-*] |\d+\. |\||>)/.test(p));
  return paragraph ?? '';
}

export function pageDescription(page: Pick<PageData, 'relativePath' | 'frontmatter' | 'params'>): string | undefined {
  if (typeof page.frontmatter.description === 'string') return page.frontmatter.description;
  const lab = /^labs\/([^/]+)\.md$/.exec(page.relativePath)?.[1];
  if (lab && lab !== 'index') {
    const found = loadLabs().find((l) => l.name === (page.params?.name ?? lab));
    if (found) return plainSummary(`Lab: ${found.summary}`);
  }
  const exercise = /^exercises\/([^/]+)\/([^/]+)\.md$/.exec(page.relativePath);
  if (exercise) {
    const found = loadTracks().flatMap((t) => t.exercises).find((e) => e.trackId === (page.params?.track ?? exercise[1]) && e.name === (page.params?.name ?? exercise[2]));
    if (found) return plainSummary(`Exercise: ${found.title}. ${firstParagraph(found.statement)}`);
  }
  const file = join(DOCS_DIR, page.relativePath);
  if (!existsSync(file)) return undefined;
  const paragraph = firstParagraph(readFileSync(file, 'utf8'));
  return paragraph ? plainSummary(paragraph) : undefined;
}
