import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import { PAGE_COMPONENTS } from './components/registry.ts';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    for (const [name, component] of Object.entries(PAGE_COMPONENTS)) app.component(name, component);
  },
} satisfies Theme;
