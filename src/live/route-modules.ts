/**
 * The route modules `npm start`'s site server mounts under LIVE_BASE (see src/live/routes.ts).
 * The events stream is not here: the server serves it itself (src/live/server.ts).
 */
import { liveActionRoutes } from './action-routes.ts';
import type { LiveRouteModule } from './routes.ts';

export const LIVE_ROUTE_MODULES: LiveRouteModule[] = [liveActionRoutes];
