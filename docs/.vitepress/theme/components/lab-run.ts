/**
 * "Run this lab" on a lab page under `npm start`: the lab runs on the session's brokers, its output
 * streams into the page, and a compact live view of its broker sits beside it, so the learner sees
 * what the lab does to the broker while it says so. Stop ends the run (and everything it started).
 * The page opens the events stream only once the learner presses Run: a lab page that is only read
 * costs the brokers nothing (a run started elsewhere shows on /broker/). Hidden on the static site.
 */
import { defineComponent, h, nextTick, onMounted, onUnmounted, ref, watch, type PropType, type VNode } from 'vue';
import { LIVE_PATHS, type LabOutputReply, type LabRunReply } from '../../../../src/live/protocol.ts';
import { acquireLive, adoptLabRun, getLive, liveState, liveToken, postLive, releaseLive } from '../live.ts';
import { brokerState, statusLine } from './broker-live.ts';
import { kafkaPanel } from './live-kafka.ts';
import { redisPanel } from './live-redis.ts';

type LabBroker = 'redis' | 'kafka' | 'sns' | 'none';

export const LabRun = defineComponent({
  name: 'LabRun',
  props: {
    lab: { type: String, required: true },
    broker: { type: String as PropType<LabBroker>, required: true },
  },
  setup(props) {
    const live = liveState();
    const available = ref(false);
    const connected = ref(false);
    const runId = ref<string | undefined>();
    const refusal = ref('');
    const starting = ref(false);
    const output = ref<HTMLElement | null>(null);

    const connect = (): void => {
      if (connected.value) return;
      connected.value = true;
      acquireLive();
    };
    onMounted(() => {
      available.value = liveToken() !== undefined;
    });
    onUnmounted(() => {
      if (connected.value) releaseLive();
    });

    // A page opened (or reloaded) while this lab runs picks the run up from the snapshot, with what it printed so far.
    watch(
      () => live.snapshot.value?.labs,
      async (labs) => {
        const running = labs?.find((l) => l.lab === props.lab);
        if (!running || runId.value !== undefined) return;
        runId.value = running.runId;
        refusal.value = '';
        const output = await getLive<LabOutputReply>(LIVE_PATHS.labOutput(running.runId));
        if (output.ok) adoptLabRun(running.runId, running.lab, output.value.lines);
      },
    );
    // Keep the newest output line in sight.
    watch(
      () => (runId.value ? live.labRuns.value[runId.value]?.lines.length : 0),
      () => void nextTick(() => output.value?.scrollTo({ top: output.value.scrollHeight })),
    );

    const run = async (): Promise<void> => {
      connect();
      refusal.value = '';
      starting.value = true;
      const result = await postLive<LabRunReply>(LIVE_PATHS.labRun(props.lab));
      starting.value = false;
      if (result.ok) runId.value = result.value.runId;
      else refusal.value = result.refused;
    };
    const stop = async (): Promise<void> => {
      if (!runId.value) return;
      const result = await postLive<undefined>(LIVE_PATHS.labStop(runId.value));
      if (!result.ok) refusal.value = result.refused;
    };

    return (): VNode | null => {
      if (!available.value) return null;
      const current = runId.value ? live.labRuns.value[runId.value] : undefined;
      const running = runId.value !== undefined && !current?.exit;
      const snapshot = live.snapshot.value;
      const view = snapshot ? (props.broker === 'kafka' ? snapshot.kafka : props.broker === 'redis' ? snapshot.redis : undefined) : undefined;
      const brokerName = props.broker === 'kafka' ? 'Kafka' : 'Redis';
      return h('section', { class: 'lab-run', 'data-lab-run': props.lab, 'data-running': running ? 'yes' : 'no', 'aria-labelledby': 'lab-run-title' }, [
        h('h2', { id: 'lab-run-title' }, 'Run it here'),
        h('div', { class: 'live-form-row' }, [
          h('button', { type: 'button', class: 'live-button is-primary', disabled: running || starting.value, onClick: () => void run() }, running ? 'Running…' : 'Run this lab'),
          h('button', { type: 'button', class: 'live-button', disabled: !running, onClick: () => void stop() }, 'Stop'),
          props.broker === 'kafka' || props.broker === 'redis' ? h('a', { href: '/broker/' }, 'Open the full live view →') : null,
        ]),
        refusal.value ? h('p', { class: 'live-unavailable', role: 'alert' }, refusal.value) : null,
        connected.value
          ? h('div', { class: 'lab-run-panes' }, [
              h('div', { class: 'lab-run-output-pane' }, [
                h('h3', 'Output'),
                h(
                  'pre',
                  { class: 'lab-run-output', ref: output, tabindex: 0, 'aria-label': `Output of ${props.lab}`, 'aria-live': 'polite', 'data-lines': current?.lines.length ?? 0 },
                  current ? current.lines.join('\n') : starting.value ? 'Starting…' : 'Press "Run this lab" to see its output here.',
                ),
                current?.exit ? h('p', { class: ['lab-run-exit', current.exit.ok ? 'is-ok' : 'is-failed'], 'data-exit': current.exit.ok ? 'ok' : 'failed' }, current.exit.summary) : null,
              ]),
              view
                ? h('div', { class: 'lab-run-live-pane' }, [
                    h('h3', `${brokerName}, live`),
                    statusLine(live),
                    brokerState(view, brokerName) ??
                      (view.state === 'ready'
                        ? 'topics' in view
                          ? kafkaPanel(view, { history: live.history.value, now: snapshot?.at ?? 0, compact: true })
                          : redisPanel(view, { history: live.history.value, compact: true })
                        : null),
                  ])
                : null,
            ])
          : null,
      ]);
    };
  },
});
