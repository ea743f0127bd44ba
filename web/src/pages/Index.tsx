// /chat/ — open a room by name, and the list of active rooms (live).
import { createEffect, createSignal, For, Match, onCleanup, Show, Switch } from 'solid-js';
import { useClient } from '@urql/solid';
import { createRooms } from '../chat/rooms';
import { roomName, roomPath } from '../chat/rules';
import { t } from '../i18n';
import { navigate } from '../router';
import { formatTime } from '../time';
import { Avatar } from '../components/Avatar';
import { Link } from '../components/Link';
import { MessageText } from '../components/MessageText';

export default function Index() {
  const client = useClient();
  const rooms = createRooms(client);
  onCleanup(rooms.dispose);
  createEffect(() => (document.title = t('index.title')));

  const [name, setName] = createSignal('');
  const [error, setError] = createSignal(false);
  let input!: HTMLInputElement;

  // Spaces around what was typed are the field's, not the name's (the rule itself allows none).
  const typed = (value = name()) => roomName(value.trim());

  const open = (event: SubmitEvent) => {
    event.preventDefault();
    const valid = typed();
    if (!valid) {
      setError(true);
      input.focus();
      return;
    }
    navigate(roomPath(valid));
  };

  return (
    <div class="page page-index">
      <section class="card join-card" aria-labelledby="join-heading">
        <h1 id="join-heading">{t('index.heading')}</h1>
        <p class="lead">{t('index.lead')}</p>
        <form class="join-form" onSubmit={open} novalidate>
          <label for="room-name" class="field-label">
            {t('index.roomName')}
          </label>
          <div class="join-row">
            <span class="input-prefix-wrap">
              <span class="input-prefix" aria-hidden="true">
                #
              </span>
              <input
                id="room-name"
                ref={input}
                name="room"
                type="text"
                autocomplete="off"
                autocapitalize="off"
                spellcheck={false}
                autofocus
                placeholder={t('index.placeholder')}
                value={name()}
                aria-invalid={error()}
                aria-describedby={error() ? 'room-name-error' : undefined}
                onInput={(event) => {
                  setName(event.currentTarget.value);
                  if (error()) setError(!typed(event.currentTarget.value));
                }}
              />
            </span>
            <button type="submit" class="button button-primary">
              {t('index.open')}
            </button>
          </div>
          <Show when={error()}>
            <p id="room-name-error" class="field-error" role="alert">
              {t('index.invalid')}
            </p>
          </Show>
        </form>
      </section>

      <section class="rooms" aria-labelledby="rooms-heading">
        <h2 id="rooms-heading">{t('index.active')}</h2>
        <Switch>
          <Match when={rooms.state() === 'loading' && rooms.rooms().length === 0}>
            <p class="muted">{t('index.loading')}</p>
          </Match>
          <Match when={rooms.state() === 'error' && rooms.rooms().length === 0}>
            <p class="muted">
              {t('index.loadFailed')}{' '}
              <button type="button" class="link-button" onClick={() => rooms.reload()}>
                {t('room.retry')}
              </button>
            </p>
          </Match>
          <Match when={rooms.rooms().length === 0}>
            <p class="muted empty-rooms">{t('index.empty')}</p>
          </Match>
          <Match when={true}>
            <ul class="room-list">
              <For each={rooms.rooms()}>
                {(room) => (
                  <li>
                    <Link href={roomPath(room.name)} class="room-item" data-room={room.name}>
                      <Avatar name={room.name} />
                      <span class="room-item-main">
                        <span class="room-item-top">
                          <span class="room-item-name">{room.name}</span>
                          <Show when={room.lastMessageAt}>
                            {(at) => (
                              <time class="room-item-time" datetime={at()}>
                                {formatTime(at())}
                              </time>
                            )}
                          </Show>
                        </span>
                        <Show when={room.lastMessage}>
                          {(m) => (
                            <span class="room-item-last">
                              <span class="room-item-sender">{m().sender?.username ?? t('message.deletedUser')}:</span>{' '}
                              <Show when={!m().deletedAt} fallback={<em class="message-deleted">{t('message.deleted')}</em>}>
                                <MessageText text={m().content} />
                                <Show when={m().editedAt}>
                                  {' '}
                                  <span class="room-item-edited">{t('message.edited')}</span>
                                </Show>
                              </Show>
                            </span>
                          )}
                        </Show>
                      </span>
                    </Link>
                  </li>
                )}
              </For>
            </ul>
          </Match>
        </Switch>
      </section>
    </div>
  );
}
