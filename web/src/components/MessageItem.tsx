// One message: avatar, sender, local time, text. Outgoing ones (not yet confirmed) show
// their state, and a failed one offers retry and discard. A confirmed one says "(edited)"
// by its time when it was (MessageList draws an edited message with its header); a deleted
// one is a "message deleted" placeholder in its place, with no actions. Its author edits
// it inline; its author and admins delete it (MessageActions).
import { createSignal, Match, Show, Switch } from 'solid-js';
import type { Message } from '../graphql/documents';
import type { Outgoing } from '../chat/outbox';
import type { ChangeOutcome } from '../chat/room';
import { t } from '../i18n';
import { formatFull, formatTime } from '../time';
import { Avatar } from './Avatar';
import { MessageText } from './MessageText';
import { MessageEditor } from './MessageEditor';
import { MessageActions } from './MessageActions';

export function MessageItem(props: {
  message: Message | Outgoing;
  mine: boolean;
  /** Someone else's message that mentions the viewer: highlighted. */
  mentionsMe?: boolean;
  /** Same sender as the message before, within a few minutes: drawn without the header. */
  continued?: boolean;
  canEdit?: boolean;
  canDelete?: boolean;
  onEdit?: (content: string) => Promise<ChangeOutcome>;
  onDelete?: () => Promise<ChangeOutcome>;
  onRetry?: () => void;
  onDiscard?: () => void;
}) {
  const outgoing = () => ('state' in props.message ? (props.message as Outgoing) : undefined);
  const confirmed = () => ('state' in props.message ? undefined : (props.message as Message));
  const name = () => props.message.sender?.username ?? null;
  const deleted = () => !!confirmed()?.deletedAt;
  const editedAt = () => (deleted() ? null : confirmed()?.editedAt);
  const [editing, setEditing] = createSignal(false);
  let item!: HTMLLIElement;
  let editButton: HTMLButtonElement | undefined;
  const closeEditor = () => {
    setEditing(false);
    // Back to Edit; if the message was deleted meanwhile it has none: to the list.
    queueMicrotask(() => (editButton?.isConnected ? editButton : item.closest<HTMLElement>('.messages'))?.focus({ preventScroll: true }));
  };
  return (
    <li
      ref={item}
      class="message"
      classList={{
        'message-mine': props.mine,
        'message-mentions-me': !!props.mentionsMe,
        'message-continued': !!props.continued,
        'message-pending': outgoing()?.state === 'sending' || outgoing()?.state === 'queued',
        'message-failed': outgoing()?.state === 'failed',
      }}
      data-seq={'seq' in props.message ? props.message.seq : undefined}
      data-client-id={props.message.clientId ?? undefined}
      data-state={outgoing()?.state ?? 'sent'}
      data-sender={name() ?? ''}
      data-deleted={deleted() ? '' : undefined}
    >
      <div class="message-gutter">
        <Show
          when={!props.continued}
          fallback={
            <time class="message-side-time" datetime={props.message.createdAt} aria-hidden="true">
              {formatTime(props.message.createdAt)}
            </time>
          }
        >
          <Avatar name={name()} />
        </Show>
      </div>
      <div class="message-body">
        {/* Grouped under the previous message: the name is still there for screen readers. */}
        <div class="message-meta" classList={{ 'sr-only': !!props.continued }}>
          <span class="message-sender" classList={{ 'message-sender-deleted': !name() }}>
            {name() ?? t('message.deletedUser')}
          </span>
          <time class="message-time" datetime={props.message.createdAt} title={formatFull(props.message.createdAt)}>
            {formatTime(props.message.createdAt)}
          </time>
          <Show when={editedAt()}>
            {(at) => (
              <span class="message-edited" title={t('message.editedAt', formatFull(at()))}>
                {t('message.edited')}
              </span>
            )}
          </Show>
        </div>
        <Switch>
          {/* An editor opened before the message was deleted elsewhere stays, with what was typed. */}
          <Match when={editing()}>
            <MessageEditor
              current={props.message.content}
              onSave={(content) => props.onEdit?.(content) ?? Promise.resolve({ ok: false })}
              onClose={closeEditor}
            />
          </Match>
          <Match when={deleted()}>
            <p class="message-text message-deleted">{t('message.deleted')}</p>
          </Match>
          <Match when={true}>
            <p class="message-text">
              <MessageText text={props.message.content} mentions={confirmed()?.mentions} />
            </p>
          </Match>
        </Switch>
        <Show when={confirmed() && !deleted() && (props.canEdit || props.canDelete)}>
          <MessageActions
            canEdit={!!props.canEdit}
            canDelete={!!props.canDelete}
            editing={editing()}
            onEdit={() => setEditing(true)}
            onDelete={() => props.onDelete?.() ?? Promise.resolve({ ok: false })}
            editButton={(button) => (editButton = button)}
          />
        </Show>
        <Show when={outgoing()}>
          {(o) => (
            <div class="message-status" role={o().state === 'failed' ? 'alert' : undefined}>
              <Switch>
                <Match when={o().state === 'sending'}>{t('message.sending')}</Match>
                <Match when={o().state === 'queued'}>
                  {t('message.queued')}{' '}
                  <button type="button" class="link-button" onClick={() => props.onRetry?.()}>
                    {t('message.retry')}
                  </button>
                </Match>
                <Match when={o().state === 'failed'}>
                  <span class="message-error">
                    {t('message.failed')}
                    {o().error ? `: ${o().error}` : ''}
                  </span>{' '}
                  <button type="button" class="link-button" onClick={() => props.onRetry?.()}>
                    {t('message.retry')}
                  </button>{' '}
                  <button type="button" class="link-button link-button-muted" onClick={() => props.onDiscard?.()}>
                    {t('message.discard')}
                  </button>
                </Match>
              </Switch>
            </div>
          )}
        </Show>
      </div>
    </li>
  );
}
