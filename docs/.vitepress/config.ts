import { defineConfig } from 'vitepress';
import { catalogReloadPlugin } from '../../src/site/catalog-reload-plugin.ts';
import { liveTokenPlugin } from '../../src/live/page-token.ts';
import { drawnDiagramsPlugin, writeDrawnDiagrams } from '../../src/site/drawn-diagrams.ts';
import { SITE_QUIET_ENV } from '../../src/site/env.ts';
import { progressPlugin } from '../../src/site/progress-plugin.ts';
import { pageDescription } from './descriptions.ts';
import { codeBlockSize } from './code-block-size.ts';
import { mermaidFence } from './mermaid-fence.ts';
import { renderForSearch, searchSections } from './search.ts';
import { buildSidebar } from './sidebar.ts';
import { linksToUnwrittenChapters } from './unwritten-chapters.ts';

// A speech bubble with three dots: messages going out.
const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="2" y="4" width="28" height="20" rx="5" fill="#3e63dd"/><path d="M9 24l-2 6 8-6z" fill="#3e63dd"/><circle cx="10" cy="14" r="2.5" fill="#fff"/><circle cx="16" cy="14" r="2.5" fill="#fff"/><circle cx="22" cy="14" r="2.5" fill="#fff"/></svg>';

const ICON_URL = `data:image/svg+xml,${encodeURIComponent(ICON)}`;

export default defineConfig({
  title: 'pubsub-workbook',
  description: 'Learn publish/subscribe by doing: Redis Pub/Sub, Redis Streams, Kafka, SNS fan-out and event-driven design, against real brokers.',
  lang: 'en',
  cleanUrls: true,
  // Chapters are written in parallel: a link to one not written yet must not stop the build.
  // The browser test still reports it as a dead link until the chapter exists.
  ignoreDeadLinks: [linksToUnwrittenChapters()],
  head: [
    // An inline icon: the browser then asks for no /favicon.ico, which the site does not have.
    ['link', { rel: 'icon', href: ICON_URL }],
  ],
  markdown: {
    // GitHub's high-contrast pair: every token colour passes WCAG AA on the code block background
    // (the default github-light/dark pair has comments and some keywords below 4.5:1).
    theme: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
    config: (md) => {
      mermaidFence(md);
      codeBlockSize(md);
    },
  },
  // Each drawn diagram as a document of its own, which pages fetch as the reader nears it.
  buildEnd(siteConfig) {
    writeDrawnDiagrams(siteConfig.outDir);
  },
  transformPageData(pageData) {
    const description = pageDescription(pageData);
    if (description) pageData.description = description;
  },
  themeConfig: {
    nav: [
      { text: 'Learning path', link: '/' },
      { text: 'Exercises', link: '/exercises/' },
      { text: 'Labs', link: '/labs/' },
      { text: 'Live', link: '/broker/' },
      { text: 'Flashcards', link: '/flashcards' },
      { text: 'Mock interview', link: '/interview-practice' },
    ],
    sidebar: buildSidebar(),
    outline: { level: [2, 3], label: 'On this page' },
    // Generated pages (exercises, labs) are indexed too: see search.ts.
    search: {
      provider: 'local',
      options: {
        _render: renderForSearch,
        miniSearch: { _splitIntoSections: searchSections },
        // No aria-label: the button is then named by what it shows ("Search Ctrl K"); VitePress's
        // "Search" left out the visible shortcut (axe: label-content-name-mismatch).
        translations: { button: { buttonText: 'Search', buttonAriaLabel: '' } },
      },
    },
    docFooter: { prev: 'Previous', next: 'Next' },
    // Coverage is for the workbook's maintainers: a footer link, not a top-nav slot.
    footer: {
      message: 'Run <code>npm start</code> to work through the exercises with this site alongside.',
      copyright: '<a href="/reference/coverage">Which guide sections each chapter covers</a>',
    },
  },
  vite: {
    plugins: [
      progressPlugin(),
      liveTokenPlugin(),
      catalogReloadPlugin(),
      drawnDiagramsPlugin(),
      // The dev server's HTML gets `head` only once the app runs, after the browser has asked for /favicon.ico.
      { name: 'workbook:dev-icon', apply: 'serve', transformIndexHtml: () => [{ tag: 'link', attrs: { rel: 'icon', href: ICON_URL }, injectTo: 'head' }] },
    ],
    // Pre-bundled when the dev server starts, so the first page with a diagram does not reload itself.
    optimizeDeps: { include: ['mermaid'] },
    // Under `npm start` the terminal belongs to the learner's loop: never clear it, and only warn.
    clearScreen: false,
    logLevel: process.env[SITE_QUIET_ENV] ? 'warn' : 'info',
  },
});
