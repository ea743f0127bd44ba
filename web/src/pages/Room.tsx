// /chat/<room>/ — the room: history, live messages, the composer, and the members panel.
// Signed in, the reader's read position moves (markRead) while the newest message is on
// screen and the tab is visible, and a "new messages" divider marks where they had read to
// on entering. A direct room is called by the other person's name (its own name is an
// opaque id). A private room the reader is not in looks like an unused room: the page has
// nothing of it to show.
import { createEffect, createMemo, createSignal, Match, onCleanup, Show, Switch } from 'solid-js';
import { useClient } from '@urql/solid';
import { createRoom } from '../chat/room';
import { roomName } from '../chat/rules';
import { useMyRooms } from '../chat/my-rooms';
import { firstUnread } from '../chat/unread';
import { t } from '../i18n';
import { navigate } from '../router';
import { askOnFirstUse } from '../notify';
import { me } from '../session';
import { Composer } from '../components/Composer';
import { Link } from '../components/Link';
import { MembersPanel } from '../components/MembersPanel';
import { MessageList } from '../components/MessageList';
import { RoomTopic } from '../components/RoomTopic';

export default function Room(props: { name: string }) {
  const client = useClient();
  const myRooms = useMyRooms();
  const valid = roomName(props.name);

  if (!valid) {
    createEffect(() => (document.title = t('room.title', props.name)));
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
  const membership = () => myRooms?.membership(valid);
  const visibility = () => membership()?.room.visibility ?? room.info()?.visibility ?? 'PUBLIC';
  const label = () => {
    const m = membership();
    return m && myRooms ? myRooms.nameOf(m) : valid;
  };
  createEffect(() => (document.title = t('room.title', label())));
  const [showMembers, setShowMembers] = createSignal(false);

  // Where the reader had read to on entering: fixed for this visit, like the read position it shows.
  const divider = createMemo<number | undefined>((held) => held ?? (room.loadState().state === 'ready' ? firstUnread(room.messages(), room.info()?.lastReadSeq, me()?.id) ?? 0 : undefined));

  // Removed from (or left) a room only members see: nothing of it stays on the page.
  let wasMember = false;
  createEffect(() => {
    const member = !!membership();
    if (wasMember && !member && visibility() !== 'PUBLIC') navigate('/chat/', { replace: true });
    wasMember = member;
  });

  return (
    <div class="page page-room">
      <div class="room-header">
        <Link href="/chat/" class="room-back" aria-label={t('room.back')}>
          <span aria-hidden="true">←</span>
          <span class="hide-narrow">{t('room.back')}</span>
        </Link>
        <h1 class="room-title" data-visibility={visibility()}>
          <span class="room-hash" aria-hidden="true">
            {visibility() === 'DIRECT' ? '@' : visibility() === 'PRIVATE' ? '🔒' : '#'}
          </span>
          {label()}
        </h1>
        <Show when={room.info()}>{(info) => <RoomTopic topic={info().topic} canEdit={info().canSetTopic} onSave={room.setTopic} />}</Show>
        <Show when={room.loadState().state === 'ready'}>
          <button type="button" class="button button-ghost button-small room-members-toggle" aria-expanded={showMembers()} aria-controls="members" onClick={() => setShowMembers(!showMembers())}>
            {t('members.title')}
          </button>
        </Show>
      </div>
      <div class="room-body">
        <div class="room-main">
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
              <MessageList room={room} dividerBefore={divider() || undefined} onSeen={(seq) => void myRooms?.markRead(valid, seq)} />
            </Match>
          </Switch>
          <Show when={room.loadState().state !== 'error'}>
            <Composer
              room={valid}
              label={label()}
              onSend={(text) => {
                // Signed in (mentions are theirs to be told of): the first message sent asks for notifications.
                if (myRooms) askOnFirstUse();
                room.send(text);
              }}
            />
          </Show>
        </div>
        <Show when={showMembers()}>
          <div id="members" class="room-members">
            <MembersPanel
              room={valid}
              visibility={visibility()}
              member={!!membership()}
              changes={room.memberChanges()}
              onLeave={async () => {
                const left = await myRooms!.leave(valid);
                if (!left.ok) return left.error ?? t('message.unreachable');
                navigate('/chat/');
              }}
            />
          </div>
        </Show>
      </div>
    </div>
  );
}
