/** One page per lab, rendered from the lab's own README (see src/site/catalog-pages.ts). */
import { loadLabs } from '../../src/catalog/catalog.ts';
import { labPages } from '../../src/site/catalog-pages.ts';

export default {
  paths: () => labPages(loadLabs()),
};
