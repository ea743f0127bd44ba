// A confirmed message's actions: Edit (its author) and Delete (its author, or an admin),
// in a toolbar that shows on hover and on keyboard focus. Delete asks first, in place:
// "Delete this message? Delete / Cancel" (Esc cancels); what the server refuses is said
// there. The toolbar stays in the page while the editor is open, so focus can come back
// to Edit when it closes.
import { createSignal, Show } from 'solid-js';
import type { ChangeOutcome } from '../chat/room';
import { t } from '../i18n';

export function MessageActions(props: {
  canEdit: boolean;
  canDelete: boolean;
  editing: boolean;
  onEdit: () => void;
  onDelete: () => Promise<ChangeOutcome>;
  editButton: (button: HTMLButtonElement) => void;
}) {
  const [confirming, setConfirming] = createSignal(false);
  const [deleting, setDeleting] = createSignal(false);
  const [error, setError] = createSignal('');
  let deleteButton: HTMLButtonElement | undefined;
  let cancelButton: HTMLButtonElement | undefined;

  const ask = () => {
    setError('');
    setConfirming(true);
    queueMicrotask(() => cancelButton?.focus());
  };
  const cancel = () => {
    setConfirming(false);
    queueMicrotask(() => deleteButton?.focus());
  };
  const confirm = async (event: MouseEvent & { currentTarget: HTMLButtonElement }) => {
    if (deleting()) return;
    // Once deleted the message has no actions: focus goes to the list it was in.
    const list = event.currentTarget.closest<HTMLElement>('.messages');
    setDeleting(true);
    setError('');
    const outcome = await props.onDelete();
    setDeleting(false);
    if (outcome.ok) {
      setConfirming(false);
      list?.focus({ preventScroll: true });
    } else setError(outcome.error ?? t('message.unreachable'));
  };

  return (
    <>
      <div class="message-actions" role="group" aria-label={t('message.actions')} hidden={props.editing || confirming()}>
        <Show when={props.canEdit}>
          <button type="button" class="message-action" ref={props.editButton} onClick={() => props.onEdit()}>
            {t('message.edit')}
          </button>
        </Show>
        <Show when={props.canDelete}>
          <button type="button" class="message-action message-action-danger" ref={deleteButton} onClick={ask}>
            {t('message.delete')}
          </button>
        </Show>
      </div>
      <Show when={confirming()}>
        <div
          class="message-confirm"
          role="group"
          aria-label={t('message.confirmDelete')}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              cancel();
            }
          }}
        >
          <span class="message-confirm-question">{t('message.confirmDelete')}</span>
          <button type="button" class="button button-danger button-small" disabled={deleting()} onClick={confirm}>
            {deleting() ? t('message.deleting') : t('message.delete')}
          </button>
          <button type="button" class="button button-ghost button-small" ref={cancelButton} onClick={cancel}>
            {t('message.cancel')}
          </button>
          <Show when={error()}>
            <p class="message-action-error" role="alert">
              {error()}
            </p>
          </Show>
        </div>
      </Show>
    </>
  );
}
