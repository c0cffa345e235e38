/** Where the site's sources, build and artifacts live, and the URLs its pages get. */
import { join } from 'node:path';
import { ROOT } from '../catalog/paths.ts';

export const DOCS_DIR = join(ROOT, 'docs');
export const CHAPTERS_DIR = join(DOCS_DIR, 'chapters');
export const DIST_DIR = join(DOCS_DIR, '.vitepress', 'dist');
/** Build artifacts that are not committed: screenshots, budget numbers. */
export const ARTIFACTS_DIR = join(ROOT, 'artifacts');
export const SCREENSHOTS_DIR = join(ARTIFACTS_DIR, 'screenshots');

export const chapterFile = (id: string): string => join(CHAPTERS_DIR, `${id}.md`);

