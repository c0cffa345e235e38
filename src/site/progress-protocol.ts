/**
 * How the site learns the learner's progress while `npm start` serves it: the dev server answers
 * PROGRESS_ENDPOINT and pushes PROGRESS_EVENT over Vite's HMR socket whenever the loop saves
 * progress. Shared by the server (Node) and the theme (browser), so it imports nothing.
 */
export const PROGRESS_ENDPOINT = '/__workbook/progress.json';
export const PROGRESS_EVENT = 'workbook:progress';

export interface SiteProgress {
  /** Ids (`NN_track/NN_name`) of the exercises the learner has done. */
  done: string[];
  /** The exercise the loop is on. */
  current?: string;
}
