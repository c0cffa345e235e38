/**
 * Puts the live view's session token into every page `npm start`'s site server serves, as
 * `<meta name="workbook-live-token">`. VitePress loads the site's config (and this plugin) on its
 * own, bundled apart from our modules, so the token travels through a registry on globalThis keyed
 * by the HTTP server the page is served from (Vite's `hmr.server`): two site servers in one process
 * (tests) each give their own token. `npm run docs:dev` and the static build have no live server,
 * so their pages carry no token and the live view says it needs `npm start`.
 */
import type { Server } from 'node:http';
import type { Plugin } from 'vitepress';
import { LIVE_TOKEN_META } from './protocol.ts';

const REGISTRY = Symbol.for('pubsub-workbook.live-tokens');

function tokens(): WeakMap<object, string> {
  const global = globalThis as { [REGISTRY]?: WeakMap<object, string> };
  return (global[REGISTRY] ??= new WeakMap());
}

/** The live server of `http` offers `token` to the pages it serves. */
export function offerLiveToken(http: Server, token: string): void {
  tokens().set(http, token);
}

export function liveTokenPlugin(): Plugin {
  return {
    name: 'workbook:live-token',
    apply: 'serve',
    transformIndexHtml(_html, context) {
      const http = context.server?.config.server.hmr;
      const server = typeof http === 'object' ? http.server : undefined;
      const token = server ? tokens().get(server) : undefined;
      if (!token) return [];
      return [{ tag: 'meta', attrs: { name: LIVE_TOKEN_META, content: token }, injectTo: 'head' }];
    },
  };
}
