/**
 * The live view's small pictures, drawn as inline SVG (no chart library): a sparkline of the last
 * minute and a bar for one number against a maximum. Colours come from the theme's variables, so
 * they follow the light/dark switch; every picture has a text alternative.
 */
import { h, type VNode } from 'vue';
import { HISTORY_MS, type Sample } from '../live.ts';

const SPARK_WIDTH = 120;
const SPARK_HEIGHT = 28;

/** The samples of the last minute, the newest at the right edge; the y axis from 0 to the largest value. */
export function sparkline(samples: readonly Sample[], label: string): VNode {
  const newest = samples.at(-1);
  const top = Math.max(1, ...samples.map((s) => s.value));
  const x = (at: number): number => (newest ? SPARK_WIDTH - ((newest.at - at) / HISTORY_MS) * SPARK_WIDTH : 0);
  const y = (value: number): number => SPARK_HEIGHT - 2 - (value / top) * (SPARK_HEIGHT - 4);
  const points = samples.map((s) => `${x(s.at).toFixed(1)},${y(s.value).toFixed(1)}`).join(' ');
  const text = newest ? `${label}: ${newest.value} now, at most ${top === 1 && newest.value < 1 ? newest.value : top} in the last minute` : `${label}: no samples yet`;
  return h('svg', { class: 'live-spark', viewBox: `0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`, role: 'img', 'aria-label': text }, [
    h('title', text),
    h('line', { class: 'live-spark-base', x1: 0, x2: SPARK_WIDTH, y1: SPARK_HEIGHT - 2, y2: SPARK_HEIGHT - 2 }),
    samples.length > 1 ? h('polyline', { class: 'live-spark-line', points }) : null,
    newest ? h('circle', { class: 'live-spark-dot', cx: x(newest.at).toFixed(1), cy: y(newest.value).toFixed(1), r: 2.5 }) : null,
  ]);
}

/** A horizontal bar: `value` of `max`, with the number beside it. `null` is "not known". */
export function bar(value: number | null, max: number, label: string): VNode {
  if (value === null) return h('span', { class: 'live-bar-unknown' }, 'lag not known');
  const ratio = max <= 0 ? 0 : Math.min(1, value / max);
  return h('span', { class: 'live-bar', role: 'img', 'aria-label': `${label}: ${value}` }, [
    h('span', { class: 'live-bar-track' }, [h('span', { class: ['live-bar-fill', value === 0 ? 'is-zero' : ''], style: { width: `${(ratio * 100).toFixed(1)}%` } })]),
    h('span', { class: 'live-bar-value', 'aria-hidden': 'true' }, String(value)),
  ]);
}

/** "3 s", "2 min", "1 h": how long ago, or how long idle. */
export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

/** A rate with one decimal below 10/s. */
export function rate(perSecond: number): string {
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}
