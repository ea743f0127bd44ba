// One message: avatar, sender, local time, text. Outgoing ones (not yet confirmed) show
// their state, and a failed one offers retry and discard.
import { Match, Show, Switch } from 'solid-js';
import type { Message } from '../graphql/documents';
import type { Outgoing } from '../chat/outbox';
import { t } from '../i18n';
import { formatFull, formatTime } from '../time';
import { Avatar } from './Avatar';
import { MessageText } from './MessageText';

export function MessageItem(props: {
  message: Message | Outgoing;
  mine: boolean;
  /** Same sender as the message before, within a few minutes: drawn without the header. */
  continued?: boolean;
  onRetry?: () => void;
  onDiscard?: () => void;
}) {
  const outgoing = () => ('state' in props.message ? (props.message as Outgoing) : undefined);
  const name = () => props.message.sender?.username ?? null;
  return (
    <li
      class="message"
      classList={{
        'message-mine': props.mine,
        'message-continued': !!props.continued,
        'message-pending': outgoing()?.state === 'sending' || outgoing()?.state === 'queued',
        'message-failed': outgoing()?.state === 'failed',
      }}
      data-seq={'seq' in props.message ? props.message.seq : undefined}
      data-client-id={props.message.clientId ?? undefined}
      data-state={outgoing()?.state ?? 'sent'}
      data-sender={name() ?? ''}
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
        </div>
        <p class="message-text">
          <MessageText text={props.message.content} />
        </p>
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
