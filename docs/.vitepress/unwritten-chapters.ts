import { existsSync } from 'node:fs';
import { CHAPTERS } from '../../src/catalog/chapters.ts';
import { chapterFile } from '../../src/site/paths.ts';

/** Matches a link to a chapter of the catalog whose page does not exist yet (`./kafka`, `/chapters/kafka`). */
export function linksToUnwrittenChapters(): (url: string) => boolean {
  const unwritten = new Set<string>(CHAPTERS.map((c) => c.id).filter((id) => !existsSync(chapterFile(id))));
  return (url) => {
    const match = /^(?:\.\/|(?:\.\.\/|\/)?chapters\/)([\w-]+)$/.exec(url);
    return match?.[1] !== undefined && unwritten.has(match[1]);
  };
}
