/**
 * Export, import and reset of the flashcard progress. Export downloads the saved state as JSON
 * (the file `npm run cards -- import` also reads); import checks a file with the engine's
 * importState and, when it is not a valid export, shows its one-line reason and changes nothing;
 * reset asks first. A successful import or reset can be undone until the next one.
 */
import { defineComponent, h, ref, type PropType, type VNode } from 'vue';
import { emptyState, exportFileName, importState, serialiseState, type ReviewState } from '../../../../src/flashcards/index.ts';
import { loadProgress, saveProgress } from './flashcards-store.ts';

// A real export is a few hundred KB at most; anything far larger is some other file.
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

type Message = { kind: 'ok' | 'error'; text: string };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const describe = (state: ReviewState): string =>
  `${plural(Object.keys(state.cards).length, 'card')}' progress and ${plural(state.interviews.length, 'mock interview')}`;

export const ProgressTransfer = defineComponent({
  name: 'ProgressTransfer',
  props: { state: { type: Object as PropType<ReviewState>, required: true } },
  emits: { replaced: (state: ReviewState) => state !== undefined, notice: (text: string) => text.length > 0 },
  setup(props, { emit }) {
    const message = ref<Message>();
    const confirming = ref(false);
    const undo = ref<ReviewState>();
    const fileInput = ref<HTMLInputElement>();

    function replace(state: ReviewState): void {
      const notice = saveProgress(state);
      if (notice) emit('notice', notice);
      emit('replaced', state);
    }

    function exportProgress(): void {
      const { state } = loadProgress();
      const name = exportFileName(new Date());
      const url = URL.createObjectURL(new Blob([serialiseState(state)], { type: 'application/json' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: name });
      document.body.append(link);
      link.click();
      link.remove();
      // The download has its own reference to the data by now; the URL is only freed later.
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      undo.value = undefined;
      message.value = { kind: 'ok', text: `Exported ${describe(state)} as ${name}.` };
    }

    async function importFile(event: Event): Promise<void> {
      const input = event.target as HTMLInputElement;
      const file = input.files?.[0];
      input.value = ''; // choosing the same file again must fire another change
      if (!file) return;
      undo.value = undefined;
      if (file.size > MAX_IMPORT_BYTES) {
        message.value = { kind: 'error', text: `${file.name} is too large to be a flashcards export. Nothing was imported; your progress is unchanged.` };
        return;
      }
      let text: string;
      try {
        text = await file.text();
      } catch {
        message.value = { kind: 'error', text: `${file.name} could not be read. Nothing was imported; your progress is unchanged.` };
        return;
      }
      const imported = importState(text);
      if (!imported.ok) {
        message.value = { kind: 'error', text: `${file.name}: ${imported.error}` };
        return;
      }
      const before = loadProgress().state;
      replace(imported.state);
      undo.value = before;
      message.value = { kind: 'ok', text: `Imported ${describe(imported.state)} from ${file.name}.` };
    }

    function reset(): void {
      const before = loadProgress().state;
      replace({ ...emptyState(), settings: before.settings });
      confirming.value = false;
      undo.value = before;
      message.value = { kind: 'ok', text: 'Your progress was erased; every card is new again.' };
    }

    function undoLast(): void {
      if (!undo.value) return;
      replace(undo.value);
      message.value = { kind: 'ok', text: `Restored ${describe(undo.value)}.` };
      undo.value = undefined;
    }

    return (): VNode =>
      h('section', { class: 'fc-transfer', 'aria-label': 'Your progress' }, [
        h('div', { class: 'fc-actions' }, [
          h('button', { type: 'button', class: 'fc-button', 'data-action': 'export', onClick: exportProgress }, 'Export'),
          h('button', { type: 'button', class: 'fc-button', 'data-action': 'import', onClick: () => fileInput.value?.click() }, 'Import…'),
          h('input', {
            ref: fileInput,
            type: 'file',
            accept: 'application/json,.json',
            class: 'fc-visually-hidden',
            tabindex: -1,
            'aria-label': 'Import a flashcards export file',
            'data-import-file': '',
            onChange: (event: Event) => void importFile(event),
          }),
          h('button', { type: 'button', class: 'fc-button fc-danger', 'data-action': 'reset', onClick: () => (confirming.value = true) }, 'Reset progress…'),
        ]),
        confirming.value
          ? h('div', { class: 'fc-confirm', role: 'alertdialog', 'aria-label': 'Reset progress' }, [
              h('p', `Erase ${describe(props.state)} kept in this browser? Your settings stay. Export first if you may want them back.`),
              h('div', { class: 'fc-actions' }, [
                h('button', { type: 'button', class: 'fc-button fc-danger', 'data-action': 'confirm-reset', onClick: reset }, 'Erase my progress'),
                h('button', { type: 'button', class: 'fc-button', 'data-action': 'cancel-reset', onClick: () => (confirming.value = false) }, 'Cancel'),
              ]),
            ])
          : null,
        message.value
          ? h('p', { class: ['fc-message', `is-${message.value.kind}`], role: message.value.kind === 'error' ? 'alert' : 'status', 'data-transfer-message': message.value.kind }, [
              message.value.text,
              undo.value ? [' ', h('button', { type: 'button', class: 'fc-link-button', 'data-action': 'undo', onClick: undoLast }, 'Undo')] : null,
            ])
          : null,
      ]);
  },
});
