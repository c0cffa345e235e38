/**
 * The live view in Chromium (issue 16, item 6), against the site server as `npm start` runs it: the
 * session's brokers (src/learn/brokers.ts) handed to the site, real Kafka and Redis, real clients.
 * A test client produces to a topic and joins a group: /broker/ shows the topic, the member and its
 * partitions; a second member joins: the page shows the partitions move and the rebalance in the
 * timeline; an open transaction shows past the last stable offset and its commit in the timeline.
 * A lab run from its page streams its output (and Stop stops one); the console's XADD
 * appears in the stream view (a refused command shows its reason); the Kafka console's topic,
 * record and group member appear too. It measures broker event → pixel (a record acknowledged → its high
 * watermark drawn) and prints it. Screenshots of /broker/ and a lab run go to artifacts/screenshots/
 * (not in git), or to SCREENSHOT_DIR when set (CI sets it and keeps them).
 * On the static site the page says in one line that it needs `npm start`, and labs have no button.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sessionBrokers, type SessionBrokers } from '../src/learn/brokers.ts';
import { liveBrokersOf } from '../src/live/session.ts';
import { launchChromium } from '../src/site/chromium.ts';
import { startSiteServer, type SiteServer } from '../src/site/dev-server.ts';
import { DIST_DIR, SCREENSHOTS_DIR } from '../src/site/paths.ts';
import { until } from '../src/testing/wait.ts';
import { serveStatic, type StaticSite } from '../src/site/static-server.ts';

/** Where SCREENSHOT_DIR says (CI keeps it), else artifacts/screenshots (not in git). */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || SCREENSHOTS_DIR;
/** The page draws a change within a second of the broker having it (one snapshot period); CI machines get one more. */
const PIXEL_DEADLINE_MS = 2_000;
const UI_TIMEOUT_MS = 30_000;

let browser: Browser | undefined;

const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The members' partitions of `group` as the page draws them: `{ clientId: ['topic:0', …] }`. */
async function drawnAssignment(page: Page, group: string): Promise<Record<string, string[]>> {
  return page.evaluate((id) => {
    const out: Record<string, string[]> = {};
    for (const member of document.querySelectorAll(`.live-group[data-group="${id}"] .live-member[data-client]`)) {
      out[member.getAttribute('data-client') ?? ''] = [...member.querySelectorAll('[data-owned]')].map((chip) => chip.getAttribute('data-owned') ?? '').sort();
    }
    return out;
  }, group);
}

describe('/broker/ under npm start', () => {
  let session: SessionBrokers | undefined;
  let site: SiteServer | undefined;
  let producer: Producer | undefined;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    session = sessionBrokers();
    site = await startSiteServer({ port: 0, quiet: true, live: liveBrokersOf(session) });
    await site.ready;
    const problems = (await Promise.all([session.ensure('kafka'), session.ensure('redis')])).filter(Boolean);
    if (problems.length) throw new Error(`The session's brokers did not start: ${problems.join('; ')}`);
    producer = new Kafka({ clientId: 'broker-live-test', brokers: bootstrap(), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await producer?.disconnect();
    await site?.close();
    await session?.stop();
  });

  const bootstrap = (): string[] => session?.endpoint('kafka')?.address.split(',') ?? [];

  /** A member named `clientId` (kafkajs takes it from the client: one client per member, so each card is named). */
  async function joinGroup(clientId: string, group: string, topic: string): Promise<void> {
    const consumer = new Kafka({ clientId, brokers: bootstrap(), logLevel: logLevel.NOTHING }).consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
  }

  test('shows the topic, a member and its partitions; a second member moves partitions and the timeline shows the rebalance', async () => {
    if (!browser || !site || !producer || !session) throw new Error('setup failed (see above)');
    const topic = uniqueName('live-topic');
    const group = uniqueName('live-group');
    const admin = new Kafka({ clientId: 'broker-live-admin', brokers: bootstrap(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    await admin.disconnect();
    await producer.send({ topic, messages: [0, 1, 2, 3].map((p) => ({ partition: p, key: `k${p}`, value: `v${p}` })) });

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(new URL(`broker/?topic=${encodeURIComponent(topic)}`, site.url).href);
      await page.waitForSelector(`.live-topic[data-topic="${topic}"]`, { timeout: UI_TIMEOUT_MS });
      expect(await page.locator(`.live-topic[data-topic="${topic}"] [data-high-watermark]`).count(), 'one log per partition').toBe(4);

      await joinGroup('member-a', group, topic);
      await page.waitForFunction(
        ([id, t]) => document.querySelectorAll(`.live-group[data-group="${id}"] .live-member[data-client="member-a"] [data-owned^="${t}:"]`).length === 4,
        [group, topic] as const,
        { timeout: UI_TIMEOUT_MS },
      );
      expect(await drawnAssignment(page, group)).toEqual({ 'member-a': [0, 1, 2, 3].map((p) => `${topic}:${p}`) });

      await joinGroup('member-b', group, topic);
      await page.waitForFunction(
        (id) => {
          const members = document.querySelectorAll(`.live-group[data-group="${id}"] .live-member[data-client]`);
          return members.length === 2 && [...members].every((m) => m.querySelectorAll('[data-owned]').length === 2);
        },
        group,
        { timeout: UI_TIMEOUT_MS },
      );
      const after = await drawnAssignment(page, group);
      expect(Object.keys(after).sort()).toEqual(['member-a', 'member-b']);
      expect([...(after['member-a'] ?? []), ...(after['member-b'] ?? [])].sort(), 'every partition owned once').toEqual([0, 1, 2, 3].map((p) => `${topic}:${p}`));
      const rebalance = page.locator('.live-timeline [data-kind="rebalance"]', { hasText: group }).filter({ hasText: 'moved' });
      await rebalance.first().waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await page.locator(`.live-group[data-group="${group}"] .live-chip.is-moved`).count(), 'the partitions that moved are marked').toBeGreaterThan(0);
      await screenshot(page, 'live-broker-rebalance');

      // Broker event → pixel: a record acknowledged by the broker, then its new high watermark drawn.
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const [ack] = await producer.send({ topic, messages: [{ partition: 0, value: `tick-${i}` }] });
        const acknowledgedAt = Date.now();
        const expected = String(Number(ack?.baseOffset ?? '0') + 1);
        const drawnAt = await page.waitForFunction(
          ([t, hw]) => document.querySelector(`.live-topic[data-topic="${t}"] [data-high-watermark="0"]`)?.textContent === hw && Date.now(),
          [topic, expected] as const,
          { polling: 'raf', timeout: UI_TIMEOUT_MS },
        );
        samples.push(((await drawnAt.jsonValue()) as number) - acknowledgedAt);
      }
      const sorted = [...samples].sort((a, b) => a - b);
      console.log(`broker event → pixel: median ${sorted[2]} ms, max ${sorted[4]} ms (samples ${samples.join(', ')} ms)`);
      expect(sorted[4], `every update drawn within ${PIXEL_DEADLINE_MS} ms (samples ${samples.join(', ')} ms)`).toBeLessThanOrEqual(PIXEL_DEADLINE_MS);
      expect(errors, 'errors in the page').toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('an open transaction shows as the log past its last stable offset, and its commit in the timeline', async () => {
    if (!browser || !site) throw new Error('setup failed (see above)');
    const topic = uniqueName('live-txn-topic');
    const transactionalId = uniqueName('live-txn');
    const client = new Kafka({ clientId: 'broker-live-txn', brokers: bootstrap(), logLevel: logLevel.NOTHING });
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const transactional = client.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await transactional.connect();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await page.goto(new URL(`broker/?topic=${encodeURIComponent(topic)}`, site.url).href);
      await page.waitForSelector(`.live-topic[data-topic="${topic}"]`, { timeout: UI_TIMEOUT_MS });
      const transaction = await transactional.transaction();
      await transaction.send({ topic, messages: [{ value: 'pending' }, { value: 'pending too' }] });
      await page.waitForSelector(`.live-topic[data-topic="${topic}"] .live-log-open`, { timeout: UI_TIMEOUT_MS });
      await transaction.commit();
      await page.waitForFunction((t) => !document.querySelector(`.live-topic[data-topic="${t}"] .live-log-open`), topic, { timeout: UI_TIMEOUT_MS });
      await page.locator('.live-timeline [data-kind="transaction"]', { hasText: `${transactionalId} committed` }).waitFor({ timeout: UI_TIMEOUT_MS });
    } finally {
      await page.close();
      await transactional.disconnect();
    }
  });

  test('the page holds the events stream only while it is open: leaving it for another page closes it', async () => {
    if (!browser || !site?.live) throw new Error('setup failed (see above)');
    const hub = site.live.hub;
    const page = await browser.newPage();
    try {
      await page.goto(new URL('broker/', site.url).href);
      await page.waitForSelector('[data-live="open"]', { timeout: UI_TIMEOUT_MS });
      // Earlier tests' pages are closed; their streams end when their sockets do.
      await until(() => hub.connected === 1, 'this page is the only one connected', 5_000);
      // In-site navigation (no reload): the component unmounts and must close its stream itself.
      await page.locator('.VPNavBar a', { hasText: 'Labs' }).first().click();
      await page.waitForURL(/\/labs\/$/, { timeout: UI_TIMEOUT_MS });
      await until(() => hub.connected === 0, 'the events stream closed after leaving /broker/', 5_000);
    } finally {
      await page.close();
    }
  });

  test("the console's XADD appears in the stream view", async () => {
    if (!browser || !site) throw new Error('setup failed (see above)');
    const key = uniqueName('live-stream');
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await page.goto(new URL(`broker/?stream=${encodeURIComponent(key)}`, site.url).href);
      const line = page.locator('#live-redis-line');
      await line.waitFor({ timeout: UI_TIMEOUT_MS });
      // A snapshot has arrived: the server reads Redis for this page, and its tail of the stream is running.
      await page.waitForSelector('[data-live="open"]:not([data-snapshot-at=""])', { timeout: UI_TIMEOUT_MS });
      await line.fill(`XADD ${key} * order 42 note "two words"`);
      await line.press('Enter');
      await page.locator('.live-console-output', { hasText: /"\d+-\d+"/ }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.waitForSelector(`.live-stream[data-stream="${key}"] [data-length="1"]`, { timeout: UI_TIMEOUT_MS });
      // Tailed from the link's ?stream=: the entry arrives with its fields, quotes read as redis-cli reads them.
      await page.locator('.live-tail-list li', { hasText: 'note=two words' }).waitFor({ timeout: UI_TIMEOUT_MS });
      // A command the console refuses: its one line, shown as a refusal, not a reply.
      await line.fill('SUBSCRIBE news');
      await line.press('Enter');
      await page.locator('.live-console-refused', { hasText: 'live tail' }).waitFor({ timeout: UI_TIMEOUT_MS });
      // ↑ brings the last command back.
      await line.press('ArrowUp');
      expect(await line.inputValue()).toBe('SUBSCRIBE news');
      await screenshot(page, 'live-broker-console-xadd');
    } finally {
      await page.close();
    }
  });

  test("the Kafka console's topic, record and group member appear in the view; leaving empties the group; the topic can be deleted", async () => {
    if (!browser || !site) throw new Error('setup failed (see above)');
    const topic = uniqueName('console-topic');
    const group = uniqueName('console-group');
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await page.goto(new URL('broker/', site.url).href);
      await page.waitForSelector('[data-live="open"]', { timeout: UI_TIMEOUT_MS });
      await page.locator('#live-topic-name').fill(topic);
      await page.locator('#live-topic-partitions').fill('2');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.waitForFunction((t) => document.querySelectorAll(`.live-topic[data-topic="${t}"] [data-high-watermark]`).length === 2, topic, { timeout: UI_TIMEOUT_MS });

      await page.locator('#live-produce-topic').fill(topic);
      await page.locator('#live-produce-key').fill('order-1');
      await page.locator('#live-produce-value').fill('placed');
      await page.locator('#live-produce-partition').fill('1');
      await page.getByRole('button', { name: 'Produce' }).click();
      await page.locator('.live-console-log li', { hasText: `→ ${topic}/1 at offset 0` }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.waitForFunction((t) => document.querySelector(`.live-topic[data-topic="${t}"] [data-high-watermark="1"]`)?.textContent === '1', topic, { timeout: UI_TIMEOUT_MS });

      await page.locator('#live-consume-topic').fill(topic);
      await page.locator('#live-consume-group').fill(group);
      await page.getByRole('button', { name: 'Join the group' }).click();
      await page.locator('.live-consumer', { hasText: 'order-1 → placed' }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.waitForFunction((id) => document.querySelectorAll(`.live-group[data-group="${id}"] .live-member [data-owned]`).length === 2, group, { timeout: UI_TIMEOUT_MS });

      await page.getByRole('button', { name: 'Leave the group' }).click();
      await page.waitForFunction((id) => document.querySelector(`.live-group[data-group="${id}"]`)?.getAttribute('data-state') === 'Empty', group, { timeout: UI_TIMEOUT_MS });

      await page.locator('#live-topic-name').fill(topic);
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.locator('.live-console p[role="status"]', { hasText: `Deleted ${topic}.` }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.waitForFunction((t) => !document.querySelector(`.live-topic[data-topic="${t}"]`), topic, { timeout: UI_TIMEOUT_MS });
    } finally {
      await page.close();
    }
  });

  test('with live data (groups, members, streams, pending entries) axe finds no serious or critical violation, light and dark', async () => {
    if (!browser || !site) throw new Error('setup failed (see above)');
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    // Its own data, so it draws every kind of card: a group with a member, a stream group with a pending entry.
    const topic = uniqueName('axe-topic');
    await producer?.send({ topic, messages: [{ value: 'one' }] });
    await joinGroup('axe-member', uniqueName('axe-group'), topic);
    const stream = uniqueName('axe-stream');
    const redis = new Redis(session?.endpoint('redis')?.address ?? '');
    try {
      await redis.xadd(stream, '*', 'order', '1');
      await redis.xgroup('CREATE', stream, 'shipping', '0');
      await redis.xreadgroup('GROUP', 'shipping', 'worker-1', 'COUNT', 1, 'STREAMS', stream, '>');
    } finally {
      redis.disconnect();
    }
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
      try {
        const page = await context.newPage();
        await page.goto(new URL('broker/', site.url).href);
        await page.waitForSelector('.live-group[data-group] .live-member[data-client="axe-member"]', { timeout: UI_TIMEOUT_MS });
        await page.waitForSelector(`.live-stream[data-stream="${stream}"] [data-consumer="worker-1"]`, { timeout: UI_TIMEOUT_MS });
        // The pending entries open, so their table is checked too.
        await page.locator(`.live-stream[data-stream="${stream}"] .live-pending summary`).click();
        await page.addScriptTag({ content: axe });
        const found = await page.evaluate(async () => {
          type Result = { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> };
          const result = await (window as unknown as { axe: { run: (context: Document, options: object) => Promise<Result> } }).axe.run(document, { resultTypes: ['violations'] });
          return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.map(String).join(' ')).join(' | ')}`);
        });
        expect(found, `${colorScheme} theme`).toEqual([]);
        if (colorScheme === 'dark') await screenshot(page, 'live-broker-dark');
      } finally {
        await context.close();
      }
    }
  });

  test('a lab run from its page streams its output beside the live view; Stop stops a running one', async () => {
    if (!browser || !site) throw new Error('setup failed (see above)');
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await page.goto(new URL('labs/late-subscriber', site.url).href);
      const run = page.getByRole('button', { name: 'Run this lab' });
      await run.waitFor({ timeout: UI_TIMEOUT_MS });
      await run.click();
      await page.locator('.lab-run-output', { hasText: 'PUBLISH' }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.locator('.lab-run-live-pane').waitFor({ timeout: UI_TIMEOUT_MS });
      await page.waitForSelector('[data-lab-run="late-subscriber"] [data-exit="ok"]', { timeout: 60_000 });
      await screenshot(page, 'live-lab-run-late-subscriber');

      await page.goto(new URL('labs/kafka-rebalance', site.url).href);
      const runLong = page.getByRole('button', { name: 'Run this lab' });
      await runLong.waitFor({ timeout: UI_TIMEOUT_MS });
      await runLong.click();
      await page.waitForFunction(() => Number(document.querySelector('.lab-run-output')?.getAttribute('data-lines') ?? 0) > 0, undefined, { timeout: 60_000 });
      await page.getByRole('button', { name: 'Stop' }).click();
      await page.waitForSelector('[data-lab-run="kafka-rebalance"][data-running="no"] [data-exit]', { timeout: UI_TIMEOUT_MS });
    } finally {
      await page.close();
    }
  });
});

describe('/broker/ on the static site', () => {
  let site: StaticSite | undefined;

  beforeAll(async () => {
    site = await serveStatic(DIST_DIR);
  });

  afterAll(async () => {
    await site?.close();
  });

  test('says in one line that the live view needs npm start, draws nothing broken, and lab pages have no Run button', async () => {
    if (!browser || !site) throw new Error('setup failed (see above)');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await page.goto(`${site.origin}/broker/`);
      const status = page.locator('.live-status');
      await status.waitFor();
      expect(await status.innerText()).toContain('run `npm start`');
      expect(await page.locator('.live-columns, .live-console, .live-tail').count()).toBe(0);
      await page.goto(`${site.origin}/labs/late-subscriber`);
      await page.locator('h1').waitFor();
      expect(await page.locator('[data-lab-run]').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
