import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import { h } from 'vue';
import { WorkbookNotFound } from './components/not-found.ts';
import { SidebarProgress } from './components/sidebar-progress.ts';
import { PAGE_COMPONENTS } from './components/registry.ts';
import './custom.css';
import './live.css';

export default {
  extends: DefaultTheme,
  // Our own 404 page in the default layout (navigation and search stay); progress marks in the sidebar.
  Layout: () => h(DefaultTheme.Layout, null, { 'not-found': () => h(WorkbookNotFound), 'sidebar-nav-after': () => h(SidebarProgress) }),
  enhanceApp({ app }) {
    for (const [name, component] of Object.entries(PAGE_COMPONENTS)) app.component(name, component);
  },
} satisfies Theme;
