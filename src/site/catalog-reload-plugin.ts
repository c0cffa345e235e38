/**
 * Dev-server only: when an exercise's or a lab's README changes (or a new one appears), the
 * generated pages are rebuilt from it and open pages reload. VitePress watches only docs/; the
 * catalog lives in exercises/ and labs/, and its dynamic routes read the READMEs with fs, which
 * VitePress cannot see as dependencies.
 */
import { relative, sep } from 'node:path';
import { resolvePages, type Plugin, type SiteConfig } from 'vitepress';
import { EXERCISES_DIR, LABS_DIR } from '../catalog/paths.ts';
import { SAMPLE_FILE } from '../labs/sample-output.ts';

export function isCatalogReadme(file: string): boolean {
  return [EXERCISES_DIR, LABS_DIR].some((dir) => {
    const rel = relative(dir, file);
    const name = rel.split(sep).at(-1);
    // A lab's page also shows its recorded sample output (npm run labs:samples).
    return !rel.startsWith('..') && (name === 'README.md' || (dir === LABS_DIR && name === SAMPLE_FILE));
  });
}

export function catalogReloadPlugin(): Plugin {
  let site: SiteConfig | undefined;
  return {
    name: 'workbook:catalog-reload',
    apply: 'serve',
    configResolved(config) {
      // VitePress hands its own resolved config to plugins through the Vite config.
      site = (config as { vitepress?: SiteConfig }).vitepress;
    },
    configureServer(server) {
      server.watcher.add([EXERCISES_DIR, LABS_DIR]);
      const refresh = async (file: string): Promise<void> => {
        if (!site || !isCatalogReadme(file)) return;
        Object.assign(site, await resolvePages(site.srcDir, site.userConfig, site.logger));
        for (const route of site.dynamicRoutes.routes) {
          const module = server.moduleGraph.getModuleById(route.fullPath);
          if (module) server.moduleGraph.invalidateModule(module);
        }
        server.ws.send({ type: 'full-reload' });
      };
      const onEvent = (file: string): void => {
        refresh(file).catch((error: unknown) => server.config.logger.error(`Could not refresh the exercise pages: ${String(error)}`));
      };
      server.watcher.on('change', onEvent).on('add', onEvent).on('unlink', onEvent);
    },
  };
}
