/** Which page covers each section of the guides (docs/reference/coverage.md). */
import { defineLoader } from 'vitepress';
import { computeCoverage, coveringPages, type CoverageRow } from '../../../src/site/coverage.ts';
import { GUIDES, guideSections, type GuideId } from '../../../src/site/guides.ts';

export interface CoverageData {
  guides: Array<{ id: GuideId; title: string; rows: CoverageRow[] }>;
  uncovered: number;
}

export declare const data: CoverageData;

export default defineLoader({
  watch: ['../../chapters/*.md', '../../index.md', '../../reference/guide-sections.json'],
  load: (): CoverageData => {
    const { rows, uncovered } = computeCoverage(guideSections(), coveringPages());
    const guides = (Object.keys(GUIDES) as GuideId[]).map((id) => ({ id, title: GUIDES[id].title, rows: rows.filter((r) => r.guide === id) }));
    return { guides, uncovered: uncovered.length };
  },
});
