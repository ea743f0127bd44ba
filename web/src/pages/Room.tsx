// /chat/<room>/ — the room: history, live messages, the composer.
import { createEffect, Match, onCleanup, Show, Switch } from 'solid-js';
import { useClient } from '@urql/solid';
import { createRoom } from '../chat/room';
import { roomName } from '../chat/rules';
import { t } from '../i18n';
import { me } from '../session';
import { Composer } from '../components/Composer';
import { Link } from '../components/Link';
import { MessageList } from '../components/MessageList';

export default function Room(props: { name: string }) {
  const client = useClient();
  const valid = roomName(props.name);
  createEffect(() => (document.title = t('room.title', props.name)));

  if (!valid) {
    return (
      <div class="page page-narrow">
        <div class="card">
          <h1>{t('room.title', props.name)}</h1>
          <p class="field-error">{t('index.invalid')}</p>
          <Link href="/chat/">{t('notFound.home')}</Link>
        </div>
      </div>
    );
  }

  const room = createRoom(client, valid, me);
  onCleanup(room.dispose);

  return (
    <div class="page page-room">
      <div class="room-header">
        <Link href="/chat/" class="room-back" aria-label={t('room.back')}>
          <span aria-hidden="true">←</span>
          <span class="hide-narrow">{t('room.back')}</span>
        </Link>
        <h1 class="room-title">
          <span class="room-hash" aria-hidden="true">
            #
          </span>
          {valid}
        </h1>
      </div>
      <Switch>
        <Match when={room.loadState().state === 'loading'}>
          <div class="room-placeholder">
            <p class="muted">{t('room.loading')}</p>
          </div>
        </Match>
        <Match when={room.loadState().state === 'error'}>
          <div class="room-placeholder">
            <p class="muted">{t('room.loadFailed')}</p>
            <button type="button" class="button button-secondary" onClick={() => room.load()}>
              {t('room.retry')}
            </button>
          </div>
        </Match>
        <Match when={room.loadState().state === 'ready'}>
          <MessageList room={room} />
        </Match>
      </Switch>
      <Show when={room.loadState().state !== 'error'}>
        <Composer room={valid} onSend={room.send} />
      </Show>
    </div>
  );
}
