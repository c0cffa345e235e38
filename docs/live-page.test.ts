/**
 * The live page's own logic, without a browser: what a chapter's link preselects, how a run's
 * output fetched mid-run joins what the stream sends, how lag adds up, how a tail line reads.
 * (The page itself, against real brokers, is docs/broker-live.browser.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { readSelection, tailLine } from './.vitepress/theme/components/broker-live.ts';
import { joinOutput, totalLag } from './.vitepress/theme/live.ts';

describe("a chapter's link to /broker/", () => {
  test('?stream= selects the stream and tails it', () => {
    expect(readSelection('?stream=events')).toEqual({ selection: { stream: 'events', topic: undefined, channel: undefined }, tail: 'redis-stream:events' });
  });

  test('?topic= and ?channel= tail the topic or the channel; blank values select nothing', () => {
    expect(readSelection('?topic=orders').tail).toBe('kafka-topic:orders');
    expect(readSelection('?channel=news%3A1').tail).toBe('redis-channel:news:1');
    expect(readSelection('?topic=%20&stream=')).toEqual({ selection: { topic: undefined, stream: undefined, channel: undefined }, tail: undefined });
  });
});

describe("a lab run's output on a page opened mid-run", () => {
  test('lines both the fetch and the stream saw appear once', () => {
    expect(joinOutput(['a', 'b', 'c'], ['b', 'c', 'd'])).toEqual(['a', 'b', 'c', 'd']);
  });

  test('repeated lines (blank lines) are kept: only the overlap is dropped', () => {
    expect(joinOutput(['', 'x', ''], ['', 'y', ''])).toEqual(['', 'x', '', 'y', '']);
    expect(joinOutput(['a'], ['b'])).toEqual(['a', 'b']);
    expect(joinOutput([], ['b'])).toEqual(['b']);
  });
});

test("a group's total lag counts what is known, and is unknown when nothing is", () => {
  expect(totalLag([{ lag: 3 }, { lag: null }, { lag: 0 }])).toBe(3);
  expect(totalLag([{ lag: null }])).toBeNull();
  expect(totalLag([])).toBeNull();
});

test('tail lines read like the tools print them', () => {
  expect(tailLine({ source: 'redis-channel', channel: 'news.eu', pattern: 'news.*', message: 'hi', at: 0 })).toBe('news.eu (via news.*): hi');
  expect(tailLine({ source: 'redis-stream', key: 'events', id: '1-0', fields: { type: 'order', id: '7' }, at: 0 })).toBe('events 1-0 type=order id=7');
  expect(tailLine({ source: 'kafka-topic', record: { topic: 't', partition: 2, offset: '5', key: null, value: 'v', timestamp: '0' }, at: 0 })).toBe('t/2@5 ∅ → v');
});
