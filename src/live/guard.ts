/**
 * Who may use the live view: only a page of this very site, in the learner's browser, this session.
 * Every request under LIVE_BASE passes here before anything reads or touches a broker:
 *
 *   - from 127.0.0.1/::1 (the server binds 127.0.0.1 only; this is the second lock on that door);
 *   - `Host` naming this server (127.0.0.1:<port> or localhost:<port>) — a page on evil.example whose
 *     name was re-pointed to 127.0.0.1 (DNS rebinding) sends Host: evil.example: 421;
 *   - `Origin`, when sent, this site's own; `Sec-Fetch-Site`, when sent, same-origin (or none: the
 *     learner typed the address) — cross-site fetches, forms and EventSources: 403;
 *   - the session token (header, or `?token=` for EventSource, which cannot set headers), which only
 *     the pages this server served carry: 403.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LIVE_TOKEN_HEADER, type LiveRefusal } from './protocol.ts';

export interface GuardSettings {
  /** The port the site server listens on. */
  port: number;
  token: string;
}

export interface Refused {
  status: 403 | 421;
  body: LiveRefusal;
}

/** 32 random bytes, URL-safe: unguessable, and fine in a query string. */
export function createLiveToken(): string {
  return randomBytes(32).toString('base64url');
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Undefined when the request may go on; otherwise the refusal to send. */
export function checkLiveRequest(request: IncomingMessage, url: URL, settings: GuardSettings): Refused | undefined {
  const remote = request.socket.remoteAddress ?? '';
  if (!LOOPBACK.has(remote)) return refused(403, `The live view answers only on this machine (127.0.0.1), not to ${remote || 'an unknown address'}.`);

  const ownHosts = new Set([`127.0.0.1:${settings.port}`, `localhost:${settings.port}`]);
  const host = (request.headers.host ?? '').toLowerCase();
  if (!ownHosts.has(host)) {
    return refused(421, `The live view answers only to the site's own address (http://127.0.0.1:${settings.port}), not to Host "${host}".`);
  }

  const origin = request.headers.origin;
  if (origin !== undefined && !ownHosts.has(originHost(origin))) {
    return refused(403, `The live view answers only to pages of this site, not to ${origin}.`);
  }

  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return refused(403, `The live view answers only to pages of this site, not to a ${site} request.`);
  }

  const header = request.headers[LIVE_TOKEN_HEADER];
  const given = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('token') ?? '';
  if (!given) return refused(403, 'No session token: open the page from the address `npm start` printed (the page carries the token).');
  if (!sameSecret(given, settings.token)) return refused(403, 'Wrong session token: `npm start` was restarted since this page was opened; reload the page.');
  return undefined;
}

/** `http://127.0.0.1:5173` → `127.0.0.1:5173`; anything else (`null`, a file: page) → ''. */
function originHost(origin: string): string {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' ? url.host.toLowerCase() : '';
  } catch {
    return '';
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refused(status: 403 | 421, message: string): Refused {
  return { status, body: { refused: message } };
}
