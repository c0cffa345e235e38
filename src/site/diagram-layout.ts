/**
 * How every mermaid diagram is drawn, shared by the page component (which draws a diagram in the
 * browser when no drawing of it was cached) and the cache key (src/site/diagram-cache.ts): a
 * change here changes every key, so `npm run diagrams` redraws them all. Browser-safe.
 */

/**
 * Tighter than Mermaid's defaults, so that more diagrams fit the 624 px column at 12 px text:
 * sequence messages wrap within the space between participants instead of pushing them apart,
 * and flowchart and state nodes sit closer. (Measured: the widest sequence diagram went from
 * 1550 to 642 px.)
 */
export const MERMAID_LAYOUT = {
  sequence: { wrap: true, width: 110, actorMargin: 24 },
  flowchart: { nodeSpacing: 28, rankSpacing: 32, wrappingWidth: 150 },
  state: { nodeSpacing: 28, rankSpacing: 32 },
} as const;

/** The site's two appearances, and the mermaid theme each is drawn in. */
export const DIAGRAM_THEMES = { light: 'default', dark: 'dark' } as const;
export type DiagramTheme = keyof typeof DIAGRAM_THEMES;

/** The smallest text a reader should have to read, in CSS px. */
export const SMALLEST_TEXT_PX = 12;
