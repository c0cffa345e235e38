import type { Theme } from 'vitepress';
import { onContentUpdated } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import { h } from 'vue';
import { WorkbookNotFound } from './components/not-found.ts';
import { SidebarProgress } from './components/sidebar-progress.ts';
import { PAGE_COMPONENTS } from './components/registry.ts';
import { attachDiagramControls } from './diagram-controls.ts';
import './custom.css';
import './live.css';

export default {
  extends: DefaultTheme,
  // Our own 404 page in the default layout (navigation and search stay); progress marks in the sidebar.
  Layout: () => h(DefaultTheme.Layout, null, { 'not-found': () => h(WorkbookNotFound), 'sidebar-nav-after': () => h(SidebarProgress) }),
  enhanceApp({ app }) {
    for (const [name, component] of Object.entries(PAGE_COMPONENTS)) app.component(name, component);
  },
  setup() {
    // Diagrams drawn at build time are static HTML: their controls are attached after each page renders.
    let detach = (): void => {};
    onContentUpdated(() => {
      detach();
      detach = attachDiagramControls(document);
    });
  },
} satisfies Theme;
