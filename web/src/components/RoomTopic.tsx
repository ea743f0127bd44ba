// The room header's topic, and for whoever may set it (the server says: Room.viewerCanSetTopic)
// an inline editor: Enter saves, Esc cancels, empty clears the topic. What the server
// refuses is said under the field, which keeps what was typed.
import { createSignal, onMount, Show } from 'solid-js';
import type { ChangeOutcome } from '../chat/room';
import { t } from '../i18n';

export function RoomTopic(props: { topic: string | null; canEdit: boolean; onSave: (topic: string) => Promise<ChangeOutcome> }) {
  const [editing, setEditing] = createSignal(false);
  return (
    <Show
      when={editing()}
      fallback={
        <span class="room-topic-wrap hide-narrow">
          <Show when={props.topic}>{(topic) => <span class="room-topic">{topic()}</span>}</Show>
          <Show when={props.canEdit}>
            <button type="button" class="link-button link-button-muted room-topic-edit" onClick={() => setEditing(true)}>
              {props.topic ? t('room.editTopic') : t('room.setTopic')}
            </button>
          </Show>
        </span>
      }
    >
      <TopicEditor current={props.topic ?? ''} onSave={props.onSave} onClose={() => setEditing(false)} />
    </Show>
  );
}

function TopicEditor(props: { current: string; onSave: (topic: string) => Promise<ChangeOutcome>; onClose: () => void }) {
  const [text, setText] = createSignal(props.current);
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal('');
  let input!: HTMLInputElement;
  onMount(() => {
    input.focus();
    input.select();
  });

  const save = async () => {
    if (saving()) return;
    if (text().trim() === props.current) return props.onClose();
    setSaving(true);
    setError('');
    const outcome = await props.onSave(text());
    setSaving(false);
    if (outcome.ok) props.onClose();
    else setError(outcome.error ?? t('message.unreachable'));
  };

  return (
    <form
      class="room-topic-editor"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label class="sr-only" for="room-topic-input">
        {t('room.topic')}
      </label>
      <input
        id="room-topic-input"
        ref={input}
        type="text"
        autocomplete="off"
        value={text()}
        placeholder={t('room.topic')}
        title={t('room.topicHint')}
        aria-invalid={!!error()}
        aria-describedby="room-topic-error"
        disabled={saving()}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            props.onClose();
          }
        }}
      />
      <p id="room-topic-error" class="field-error room-topic-error" role="alert">
        {error()}
      </p>
    </form>
  );
}
