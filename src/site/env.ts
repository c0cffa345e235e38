/**
 * Environment variables of the site. The progress file and the log level are how
 * `startSiteServer` talks to the site's config, which VitePress loads from disk on its own (so it
 * cannot be handed arguments).
 */

/** The progress file the dev server reports (default: .workbook/progress.json). */
export const PROGRESS_FILE_ENV = 'WORKBOOK_PROGRESS_FILE';
/** Set while the learner's loop shares the terminal: the site logs warnings only. */
export const SITE_QUIET_ENV = 'WORKBOOK_SITE_QUIET';

/** The port `npm start` serves the site on (default DEFAULT_SITE_PORT; `--port` wins). */
export const SITE_PORT_ENV = 'WORKBOOK_SITE_PORT';
export const DEFAULT_SITE_PORT = 5173;
