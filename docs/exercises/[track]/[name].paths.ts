/** One page per exercise, rendered from the exercise's own README (see src/site/catalog-pages.ts). */
import { loadTracks } from '../../../src/catalog/catalog.ts';
import { exercisePages } from '../../../src/site/catalog-pages.ts';

export default {
  paths: () => exercisePages(loadTracks()),
};
