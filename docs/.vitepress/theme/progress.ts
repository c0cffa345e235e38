/**
 * The learner's progress, as the dev server of `npm start` reports it (and pushes on every change).
 * In the static build there is no server to ask: `import.meta.env.DEV` is false, the fetch is
 * compiled away, and pages show no progress at all.
 */
import { ref, type Ref } from 'vue';
import { PROGRESS_ENDPOINT, PROGRESS_EVENT, type SiteProgress } from '../../../src/site/progress-protocol.ts';

const progress = ref<SiteProgress | undefined>();
let asked = false;

export function useProgress(): Ref<SiteProgress | undefined> {
  if (import.meta.env.DEV && !import.meta.env.SSR && !asked) {
    asked = true;
    import.meta.hot?.on(PROGRESS_EVENT, (update: SiteProgress) => {
      progress.value = update;
    });
    fetch(PROGRESS_ENDPOINT)
      .then((response) => (response.ok ? (response.json() as Promise<SiteProgress>) : undefined))
      .then((loaded) => {
        if (loaded) progress.value = loaded;
      })
      .catch(() => {
        // Served by plain `vitepress dev` without the workbook's plugin: show no progress.
      });
  }
  return progress;
}

export function isDone(progress: SiteProgress | undefined, exerciseId: string): boolean {
  return progress?.done.includes(exerciseId) ?? false;
}
