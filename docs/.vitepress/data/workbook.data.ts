/**
 * Chapters, tracks, exercises and labs for the theme's components, from the catalog on disk. Track
 * introductions arrive rendered, so the browser needs no Markdown parser.
 */
import { createMarkdownRenderer, defineLoader } from 'vitepress';
import { escapeHtmlOutsideCode } from '../../../src/site/catalog-pages.ts';
import { buildCatalogView, type CatalogView, type TrackSummary } from '../../../src/site/catalog-view.ts';
import { DOCS_DIR } from '../../../src/site/paths.ts';

export interface SiteTrack extends Omit<TrackSummary, 'introduction'> {
  introductionHtml: string;
}

export interface WorkbookData extends Omit<CatalogView, 'tracks'> {
  tracks: SiteTrack[];
}

export declare const data: WorkbookData;

export default defineLoader({
  // Reloads in `npm start` when an exercise, a lab or a chapter is added or edited.
  watch: ['../../../exercises/*/README.md', '../../../exercises/*/*/README.md', '../../../labs/*/README.md', '../../chapters/*.md'],
  async load(): Promise<WorkbookData> {
    const view = buildCatalogView();
    const md = await createMarkdownRenderer(DOCS_DIR);
    const tracks = view.tracks.map(({ introduction, ...track }) => ({ ...track, introductionHtml: md.render(escapeHtmlOutsideCode(introduction)) }));
    return { ...view, tracks };
  },
});
