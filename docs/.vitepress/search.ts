/**
 * Local search over every page, the generated ones included. VitePress 1.x indexes a page by
 * reading its .md file, and the exercise and lab pages have none (they come from dynamic routes:
 * vuejs/vitepress#2939), so they would never be found. Its `_splitIntoSections` hook gets each
 * page's path and rendered HTML (empty for those pages); here the generated pages are rendered from
 * the catalog instead, and every page is split into one search entry per heading, as VitePress does.
 *
 * Note: VitePress keeps one Markdown renderer per process, so inside VitePress `createMarkdownRenderer`
 * returns the site's own (with the mermaid fence); the options here matter only in the docs tests.
 */
import { relative, sep } from 'node:path';
import { createMarkdownRenderer, type MarkdownEnv, type MarkdownRenderer } from 'vitepress';
import { loadLabs, loadTracks } from '../../src/catalog/catalog.ts';
import { exercisePages, labPages } from '../../src/site/catalog-pages.ts';
import { DOCS_DIR } from '../../src/site/paths.ts';
import { mermaidFence } from './mermaid-fence.ts';

export interface SearchSection {
  anchor?: string;
  titles: string[];
  text: string;
}

let generated: Promise<{ md: MarkdownRenderer; pages: Map<string, string> }> | undefined;

/** The Markdown of every generated page, by its path under docs/ (`exercises/01_t/01_e.md`). */
function generatedPages(): Promise<{ md: MarkdownRenderer; pages: Map<string, string> }> {
  generated ??= (async () => {
    const pages = new Map<string, string>();
    for (const page of exercisePages(loadTracks())) pages.set(`exercises/${page.params.track}/${page.params.name}.md`, page.content);
    for (const page of labPages(loadLabs())) pages.set(`labs/${page.params.name}.md`, page.content);
    return { md: await createMarkdownRenderer(DOCS_DIR, { config: mermaidFence }), pages };
  })();
  return generated;
}

export async function searchSections(path: string, html: string): Promise<SearchSection[]> {
  const relativePath = relative(DOCS_DIR, path).split(sep).join('/');
  const kind = pageKind(relativePath);
  // The kind of page leads each result's breadcrumb: "Lab › Kafka rebalance › What it shows".
  const labelled = (sections: SearchSection[]): SearchSection[] => (kind ? sections.map((s) => ({ ...s, titles: [kind, ...s.titles] })) : sections);
  if (html !== '') return labelled(splitIntoSections(html));
  const { md, pages } = await generatedPages();
  const markdown = pages.get(relativePath);
  return markdown === undefined ? [] : labelled(splitIntoSections(renderForSearch(markdown, { path, relativePath, cleanUrls: true }, md)));
}

/** "Chapter", "Exercise", "Lab" or "Track" for a page under docs/, from where it lives. */
export function pageKind(relativePath: string): string | undefined {
  if (relativePath.startsWith('chapters/')) return 'Chapter';
  if (/^exercises\/[^/]+\/[^/]+\.md$/.test(relativePath) && !relativePath.endsWith('/index.md')) return 'Exercise';
  if (/^exercises\/[^/]+\/index\.md$/.test(relativePath)) return 'Track';
  if (/^labs\/[^/]+\.md$/.test(relativePath) && relativePath !== 'labs/index.md') return 'Lab';
  return undefined;
}

/**
 * A page rendered for the search index only: code blocks as plain text. Their words stay
 * searchable, and skipping syntax highlighting saves about a second each time the dev server of
 * `npm start` starts (it indexes every page before serving).
 */
export function renderForSearch(markdown: string, env: MarkdownEnv, md: Pick<MarkdownRenderer, 'render'>): string {
  const html = md.render(markdown.replace(/^(\s*(?:`{3,}|~{3,}))[^`\s]\S*/gm, '$1txt'), env);
  return env.frontmatter?.search === false ? '' : html;
}

// A heading with its permalink anchor, as VitePress renders it: <h2 id="x" tabindex="-1">Title <a class="header-anchor" href="#x">…</a></h2>
const HEADING = /<h(\d)[^>]*>(.*?<a[^>]*? href="#[^"]*"[^>]*>.*?<\/a>)<\/h\1>/gi;
const HEADING_PARTS = /(.*?)<a[^>]*? href="#([^"]*)"[^>]*>.*?<\/a>/i;

/** One entry per heading: its title, the titles above it, and the text up to the next heading. */
export function splitIntoSections(html: string): SearchSection[] {
  const parts = html.split(HEADING);
  const sections: SearchSection[] = [];
  let parents: string[] = [];
  for (let i = 1; i + 2 < parts.length; i += 3) {
    const level = Number(parts[i]) - 1;
    const heading = HEADING_PARTS.exec(parts[i + 1] ?? '');
    const title = stripTags(heading?.[1] ?? '').trim();
    const text = parts[i + 2] ?? '';
    if (!title || !text) continue;
    const titles = [...parents.slice(0, level), title].filter(Boolean);
    sections.push({ anchor: heading?.[2] ?? '', titles, text: stripTags(text) });
    parents = level === 0 ? [title] : [...parents.slice(0, level), title];
  }
  return sections;
}

const stripTags = (html: string): string => html.replace(/<[^>]*>/g, '');
