// A message's inline editor, in place of its text: Enter saves, Shift+Enter starts a new
// line, Esc cancels (Enter while an input method is composing is left to it). What the
// server refuses is said under the text, which stays as typed until saved or cancelled.
import { createSignal, onMount, Show } from 'solid-js';
import type { ChangeOutcome } from '../chat/room';
import { messageLength } from '../chat/rules';
import { maxMessageLength } from '../limits';
import { t } from '../i18n';

let editors = 0;

export function MessageEditor(props: {
  /** The content as shown now (edits by others' pages arrive while this one is open). */
  current: string;
  onSave: (content: string) => Promise<ChangeOutcome>;
  onClose: () => void;
}) {
  const id = `message-editor-${++editors}`;
  const [text, setText] = createSignal(props.current);
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal('');
  let input!: HTMLTextAreaElement;

  onMount(() => {
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  });

  /** What stops `content` from being saved, as the page can tell before asking. */
  const problem = (content: string) => {
    const max = maxMessageLength();
    if (max !== undefined && messageLength(content) > max) return t('composer.tooLong', max);
    if (!content.trim()) return t('message.editEmpty');
    return '';
  };

  const save = async () => {
    if (saving()) return;
    const content = text();
    if (content === props.current) return props.onClose(); // the server would change nothing
    const why = problem(content);
    if (why) return setError(why);
    setSaving(true);
    setError('');
    const outcome = await props.onSave(content);
    setSaving(false);
    if (outcome.ok) props.onClose();
    else setError(outcome.error ?? t('message.unreachable'));
  };

  return (
    <form
      class="message-editor"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label class="sr-only" for={id}>
        {t('message.editLabel')}
      </label>
      <textarea
        id={id}
        ref={input}
        rows="1"
        value={text()}
        aria-invalid={!!error()}
        aria-describedby={`${id}-hint ${id}-error`}
        onInput={(event) => {
          setText(event.currentTarget.value);
          if (error() && !problem(event.currentTarget.value)) setError('');
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            props.onClose();
          } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
            event.preventDefault();
            void save();
          }
        }}
      />
      <p id={`${id}-error`} class="message-editor-error" role="alert">
        {error()}
      </p>
      <div class="message-editor-row">
        <span id={`${id}-hint`} class="message-editor-hint">
          {t('message.editHint')}
        </span>
        <button type="button" class="button button-ghost button-small" onClick={() => props.onClose()}>
          {t('message.cancel')}
        </button>
        <button type="submit" class="button button-primary button-small" disabled={saving()}>
          <Show when={saving()} fallback={t('message.save')}>
            {t('message.saving')}
          </Show>
        </button>
      </div>
    </form>
  );
}
