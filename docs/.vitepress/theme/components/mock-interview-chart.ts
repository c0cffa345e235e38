/**
 * The mock-interview scores over time, as a small inline SVG line chart drawn here (no chart
 * library): one point per session, oldest on the left, 0–100 % of the key points covered.
 * Colours come from the theme's variables, so it follows the light/dark switch.
 */
import { h, type VNode } from 'vue';
import type { InterviewScore, InterviewSession } from '../../../../src/flashcards/index.ts';

export type ScoredSession = InterviewSession & { score: InterviewScore };

const WIDTH = 320;
const HEIGHT = 120;
const PAD = { left: 34, right: 10, top: 10, bottom: 18 };

const percent = (ratio: number): number => Math.round(ratio * 100);

/** `sessions` oldest first. */
export function scoreChart(sessions: readonly ScoredSession[]): VNode {
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number): number => PAD.left + (sessions.length === 1 ? innerWidth / 2 : (i * innerWidth) / (sessions.length - 1));
  const y = (ratio: number): number => PAD.top + (1 - ratio) * innerHeight;
  const points = sessions.map((s, i) => ({ x: x(i), y: y(s.score.ratio), session: s }));
  const described = sessions.map((s) => `${percent(s.score.ratio)}%`).join(', ');
  return h(
    'svg',
    {
      class: 'mi-chart',
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'aria-label': `Your scores in the last ${sessions.length} mock interview${sessions.length === 1 ? '' : 's'}, oldest first: ${described}.`,
      'data-sessions': sessions.length,
    },
    [
      ...[0, 0.5, 1].flatMap((ratio) => [
        h('line', { class: 'mi-chart-grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(ratio), y2: y(ratio) }),
        h('text', { class: 'mi-chart-label', x: PAD.left - 6, y: y(ratio) + 4, 'text-anchor': 'end' }, `${percent(ratio)}%`),
      ]),
      h('text', { class: 'mi-chart-label', x: PAD.left, y: HEIGHT - 4 }, 'oldest'),
      h('text', { class: 'mi-chart-label', x: WIDTH - PAD.right, y: HEIGHT - 4, 'text-anchor': 'end' }, 'latest'),
      points.length > 1 ? h('polyline', { class: 'mi-chart-line', points: points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ') }) : null,
      ...points.map((p) =>
        h('circle', { class: 'mi-chart-point', cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 4 }, [
          h('title', `${new Date(p.session.at).toLocaleString()} · ${p.session.level} · ${percent(p.session.score.ratio)}%`),
        ]),
      ),
    ],
  );
}
