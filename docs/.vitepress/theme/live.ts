/**
 * The page's side of the live view (src/live/protocol.ts): one events stream per page, opened when
 * the first live component mounts and closed when the last one unmounts, so the brokers see no
 * load from a page that is closed (issue 16, item 5). The session token comes from the meta tag the
 * `npm start` site server puts into every page; without it (static site, plain `vitepress dev`)
 * there is no live view and the components say so in one line.
 */
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import {
  LIVE_BASE,
  LIVE_PATHS,
  LIVE_TOKEN_HEADER,
  LIVE_TOKEN_META,
  type KafkaRecord,
  type LiveEvent,
  type LiveRefusal,
  type LiveSnapshot,
  type TailItem,
} from '../../../src/live/protocol.ts';

/** `static`: no token in the page; `connecting`/`open`: the stream; `lost`: npm start stopped or refused us. */
export type LiveStatus = 'static' | 'connecting' | 'open' | 'lost';

export const NEEDS_NPM_START = 'The live view shows the brokers of `npm start`: run `npm start` and open this page from the address it prints.';

/** How long the page keeps samples for its small charts. */
export const HISTORY_MS = 60_000;
const TAIL_LIMIT = 200;
const RECORD_LIMIT = 200;
const OUTPUT_LIMIT = 2_000;

export interface LabRunView {
  runId: string;
  lab: string;
  lines: string[];
  exit?: { ok: boolean; summary: string };
}

export interface Sample {
  at: number;
  value: number;
}

export interface LiveConnection {
  status: Ref<LiveStatus>;
  snapshot: ShallowRef<LiveSnapshot | undefined>;
  /** When the last snapshot arrived (the page's clock), for the latency the browser test measures. */
  receivedAt: Ref<number>;
  tail: ShallowRef<TailItem[]>;
  tailing: Ref<string | undefined>;
  records: ShallowRef<Array<{ consumerId: string; record: KafkaRecord }>>;
  /** Console consumers that ended by themselves (crashed, broker gone), with why. */
  consumerEnds: ShallowRef<Record<string, string>>;
  labRuns: ShallowRef<Record<string, LabRunView>>;
  /** Samples over the last minute, by key (see lagKey, rateKey). */
  history: ShallowRef<Record<string, Sample[]>>;
}

export const lagKey = (group: string): string => `lag:${group}`;
export const rateKey = (topic: string): string => `rate:${topic}`;
export const streamLagKey = (stream: string, group: string): string => `slag:${stream}\u0000${group}`;

/** The token the site server put into this page, if any. */
export function liveToken(): string | undefined {
  if (typeof document === 'undefined') return undefined;
  const content = document.querySelector<HTMLMetaElement>(`meta[name="${LIVE_TOKEN_META}"]`)?.content;
  return content ? content : undefined;
}

const connection: LiveConnection = {
  status: ref<LiveStatus>('static'),
  snapshot: shallowRef(),
  receivedAt: ref(0),
  tail: shallowRef([]),
  tailing: ref(),
  records: shallowRef([]),
  consumerEnds: shallowRef({}),
  labRuns: shallowRef({}),
  history: shallowRef({}),
};

/** Each SSE `event:` name with its JSON data. */
type EventData = { [E in LiveEvent as E['type']]: E['data'] };

let users = 0;
let source: EventSource | undefined;

/** Call from a component's onMounted; pair with releaseLive in onUnmounted. */
export function acquireLive(): LiveConnection {
  users += 1;
  if (users === 1) open();
  return connection;
}

export function releaseLive(): void {
  users = Math.max(0, users - 1);
  if (users === 0) close();
}

/** The reactive state, for render functions (it is the same object acquireLive returns). */
export function liveState(): LiveConnection {
  return connection;
}

/** Tail one source besides the snapshots: `redis-channel:<name>`, `redis-stream:<key>`, `kafka-topic:<name>`, or nothing. */
export function setTail(tail: string | undefined): void {
  if (connection.tailing.value === tail) return;
  connection.tailing.value = tail;
  connection.tail.value = [];
  if (source) {
    close();
    open();
  }
}

function open(): void {
  const token = liveToken();
  if (!token || typeof EventSource === 'undefined') {
    connection.status.value = 'static';
    return;
  }
  const query = new URLSearchParams({ token });
  if (connection.tailing.value) query.set('tail', connection.tailing.value);
  connection.status.value = 'connecting';
  const events = new EventSource(`${LIVE_BASE}${LIVE_PATHS.events}?${query.toString()}`);
  source = events;
  events.onopen = () => {
    connection.status.value = 'open';
  };
  events.onerror = () => {
    // EventSource retries by itself while the server is there; CLOSED means it gave up (refused, or gone).
    if (events.readyState === EventSource.CLOSED) connection.status.value = 'lost';
    else connection.status.value = 'connecting';
  };
  const on = <T extends keyof EventData>(type: T, handle: (data: EventData[T]) => void): void => {
    events.addEventListener(type, (message: MessageEvent<string>) => {
      try {
        handle(JSON.parse(message.data) as EventData[T]);
      } catch (error) {
        console.warn(`The live view could not read a ${type} event:`, error);
      }
    });
  };
  on('snapshot', (data) => {
    connection.status.value = 'open';
    connection.snapshot.value = data;
    connection.receivedAt.value = Date.now();
    recordHistory(data);
  });
  on('tail', (data) => {
    connection.tail.value = [...connection.tail.value, data].slice(-TAIL_LIMIT);
  });
  on('kafka-record', (data) => {
    connection.records.value = [...connection.records.value, data].slice(-RECORD_LIMIT);
  });
  on('kafka-consumer-end', (data) => {
    connection.consumerEnds.value = { ...connection.consumerEnds.value, [data.consumerId]: data.reason };
  });
  on('lab-output', (data) => {
    const run = connection.labRuns.value[data.runId] ?? { runId: data.runId, lab: data.lab, lines: [] };
    connection.labRuns.value = { ...connection.labRuns.value, [data.runId]: { ...run, lines: [...run.lines, data.line].slice(-OUTPUT_LIMIT) } };
  });
  on('lab-exit', (data) => {
    const run = connection.labRuns.value[data.runId] ?? { runId: data.runId, lab: data.lab, lines: [] };
    connection.labRuns.value = { ...connection.labRuns.value, [data.runId]: { ...run, exit: { ok: data.ok, summary: data.summary } } };
  });
}

/** A run this page did not see from its start (opened mid-run): its output so far, then the stream's. */
export function adoptLabRun(runId: string, lab: string, lines: string[]): void {
  const run = connection.labRuns.value[runId];
  const streamed = run?.lines ?? [];
  connection.labRuns.value = { ...connection.labRuns.value, [runId]: { runId, lab, lines: joinOutput(lines, streamed).slice(-OUTPUT_LIMIT), exit: run?.exit } };
}

/** The output fetched so far, then the lines streamed that it does not already end with (they overlap when both saw a line). */
export function joinOutput(fetched: readonly string[], streamed: readonly string[]): string[] {
  for (let k = Math.min(fetched.length, streamed.length); k > 0; k--) {
    if (fetched.slice(-k).every((line, i) => line === streamed[i])) return [...fetched, ...streamed.slice(k)];
  }
  return [...fetched, ...streamed];
}

function close(): void {
  source?.close();
  source = undefined;
  if (connection.status.value !== 'static') connection.status.value = 'connecting';
}

/** Keeps a minute of each group's total lag, each topic's rate and each stream group's lag. */
function recordHistory(snapshot: LiveSnapshot): void {
  const next: Record<string, Sample[]> = {};
  const keep = (key: string, value: number | null): void => {
    const previous = connection.history.value[key] ?? [];
    const samples = previous.filter((s) => snapshot.at - s.at <= HISTORY_MS);
    next[key] = value === null ? samples : [...samples, { at: snapshot.at, value }];
  };
  if (snapshot.kafka.state === 'ready') {
    for (const group of snapshot.kafka.groups) keep(lagKey(group.id), totalLag(group.offsets));
    for (const topic of snapshot.kafka.topics) keep(rateKey(topic.name), topic.messagesPerSecond);
  }
  if (snapshot.redis.state === 'ready') {
    for (const stream of snapshot.redis.streams) for (const group of stream.groups) keep(streamLagKey(stream.key, group.name), group.lag);
  }
  connection.history.value = next;
}

/** The sum of the known lags; null when none is known. */
export function totalLag(offsets: ReadonlyArray<{ lag: number | null }>): number | null {
  const known = offsets.map((o) => o.lag).filter((lag): lag is number => lag !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

export type ActionResult<T> = { ok: true; value: T } | { ok: false; refused: string };

/** POST to a live endpoint with the token; a refusal comes back as its one line, never as a throw. */
export function postLive<T>(path: string, body?: unknown): Promise<ActionResult<T>> {
  return requestLive<T>('POST', path, body);
}

/** GET a live endpoint with the token (the console's consumers, a lab run's output so far). */
export function getLive<T>(path: string): Promise<ActionResult<T>> {
  return requestLive<T>('GET', path);
}

async function requestLive<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ActionResult<T>> {
  const token = liveToken();
  if (!token) return { ok: false, refused: NEEDS_NPM_START };
  try {
    const response = await fetch(`${LIVE_BASE}${path}`, {
      method,
      headers: { [LIVE_TOKEN_HEADER]: token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (response.ok) return { ok: true, value: parsed as T };
    const refused = (parsed as Partial<LiveRefusal> | undefined)?.refused;
    return { ok: false, refused: refused ?? `The site server answered ${response.status} ${response.statusText}.` };
  } catch {
    return { ok: false, refused: 'The site server did not answer: is `npm start` still running?' };
  }
}
