/**
 * What the site's pages and components know about the workbook: chapters (and which are written),
 * tracks, exercises and labs, read from the catalog at build time (never a hand-kept list) and
 * small enough to ship to the browser as JSON.
 */
import { loadLabs, loadTracks, type Broker, type Difficulty, type Exercise, type LabInfo, type Track } from '../catalog/catalog.ts';
import { readChapterPages } from './chapter-pages.ts';
import { chapterUrl, exerciseUrl, labCommand, labUrl, trackUrl } from './shared.ts';

export interface ChapterSummary {
  id: string;
  title: string;
  /** Set once the chapter's page exists. */
  url?: string;
}

export interface ExerciseSummary {
  id: string;
  name: string;
  title: string;
  trackId: string;
  chapter: string;
  difficulty: Difficulty;
  broker: Broker;
  /** `review`: the learner fixes the guide's own code; `build`: writes something new. */
  kind: Exercise['kind'];
  url: string;
}

export interface TrackSummary {
  id: string;
  title: string;
  chapter: string;
  url: string;
  /** The track README's body, as Markdown (the site's data loader ships it rendered). */
  introduction: string;
  exercises: ExerciseSummary[];
}

export interface LabSummary {
  name: string;
  title: string;
  summary: string;
  chapter: string;
  broker: Broker;
  url: string;
  command: string;
}

export interface CatalogView {
  chapters: ChapterSummary[];
  tracks: TrackSummary[];
  labs: LabSummary[];
}

export function buildCatalogView(tracks: Track[] = loadTracks(), labs: LabInfo[] = loadLabs()): CatalogView {
  return {
    chapters: readChapterPages().map((c) => ({ id: c.id, title: c.title, ...(c.exists ? { url: chapterUrl(c.id) } : {}) })),
    tracks: tracks.map((track) => ({
      id: track.id,
      title: track.title,
      chapter: track.chapter,
      url: trackUrl(track.id),
      introduction: track.introduction,
      exercises: track.exercises.map((e) => ({
        id: e.id,
        name: e.name,
        title: e.title,
        trackId: e.trackId,
        chapter: e.chapter,
        difficulty: e.difficulty,
        broker: e.broker,
        kind: e.kind,
        url: exerciseUrl(e.id),
      })),
    })),
    labs: labs.map((lab) => ({
      name: lab.name,
      title: lab.title,
      summary: lab.summary,
      chapter: lab.chapter,
      broker: lab.broker,
      url: labUrl(lab.name),
      command: labCommand(lab.name),
    })),
  };
}
