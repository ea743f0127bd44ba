// The scrolling list of a room's messages. It follows new messages only while the reader
// is at the bottom; otherwise it counts them in a "new messages" pill. Loading older
// messages keeps the reader's place. New messages from others are announced politely.
// Rows are keyed by seq (an outgoing one by clientId), so an edited or deleted message is
// the same row updated in place: an open editor, a pending confirmation and focus stay.
// A "new messages" divider goes above `dividerBefore` (the first unread on entering), which
// is scrolled into view; `onSeen` hears the newest message's seq whenever it is on screen
// while the tab is visible (the read position follows it).
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import type { Message } from '../graphql/documents';
import type { Outgoing } from '../chat/outbox';
import type { RoomStore } from '../chat/room';
import { t } from '../i18n';
import { me } from '../session';
import { mentionsUser } from '../chat/mentions';
import { MessageItem } from './MessageItem';

const NEAR_BOTTOM_PX = 48;
const GROUP_WINDOW_MS = 5 * 60_000;

type Row = Message | Outgoing;

const keyOf = (m: Row) => ('state' in m ? `c:${m.clientId}` : `s:${m.seq}`);
const sameKeys = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

/** Whether `m` is drawn under `prev` without its own header (not when edited: "(edited)" goes by its time). */
function continues(prev: Message | Outgoing | undefined, m: Message | Outgoing): boolean {
  if ('editedAt' in m && m.editedAt && !m.deletedAt) return false;
  if (!prev || !prev.sender || !m.sender || prev.sender.id !== m.sender.id) return false;
  return Date.parse(m.createdAt) - Date.parse(prev.createdAt) < GROUP_WINDOW_MS;
}

export function MessageList(props: { room: RoomStore; dividerBefore?: number; onSeen?: (seq: number) => void }) {
  let scroller!: HTMLDivElement;
  let atBottom = true;
  const [unseen, setUnseen] = createSignal(0);
  const [announcement, setAnnouncement] = createSignal('');

  const scrollToBottom = (smooth = false) => {
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
    atBottom = true;
    setUnseen(0);
  };
  const onScroll = () => {
    atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    if (atBottom) setUnseen(0);
    checkSeen();
  };

  /** Tells onSeen about the newest message when its row is on screen and the tab visible. */
  const checkSeen = () => {
    const newest = last();
    if (!newest || !props.onSeen || document.visibilityState !== 'visible') return;
    const row = scroller.querySelector<HTMLElement>(`.message[data-state="sent"][data-seq="${newest.seq}"]`);
    if (!row) return;
    const box = scroller.getBoundingClientRect();
    const at = row.getBoundingClientRect();
    if (at.top < box.bottom && at.bottom > box.top) props.onSeen(newest.seq);
  };
  document.addEventListener('visibilitychange', checkSeen);
  window.addEventListener('focus', checkSeen);
  onCleanup(() => {
    document.removeEventListener('visibilitychange', checkSeen);
    window.removeEventListener('focus', checkSeen);
  });

  const last = () => props.room.messages().at(-1);
  const lastOutgoing = () => props.room.outbox().at(-1)?.clientId;

  /** The seq of the message the live region reads out. */
  let announced: number | undefined;
  // A new newest message (the DOM is already updated when this runs).
  createEffect(
    on(last, (message, previous) => {
      if (!message || message === previous) return;
      if (previous === undefined) return showFirstPage();
      if (previous && message.seq <= previous.seq) return;
      const mine = !!message.sender && message.sender.id === me()?.id;
      if (atBottom || mine) scrollToBottom();
      else setUnseen((n) => n + 1);
      checkSeen();
      if (!mine && !message.deletedAt) {
        announced = message.seq;
        setAnnouncement(`${message.sender?.username ?? t('message.deletedUser')}: ${message.content}`);
      }
    }),
  );
  // A deleted message's content is not kept anywhere on the page, the live region included.
  createEffect(() => {
    const messages = props.room.messages();
    if (announced !== undefined && messages.find((m) => m.seq === announced)?.deletedAt) {
      announced = undefined;
      setAnnouncement('');
    }
  });
  // Something we sent: always show it.
  createEffect(on(lastOutgoing, (id, previous) => id && id !== previous && scrollToBottom(), { defer: true }));

  const loadOlder = async () => {
    const height = scroller.scrollHeight;
    const top = scroller.scrollTop;
    await props.room.loadOlder();
    scroller.scrollTop = top + (scroller.scrollHeight - height);
  };

  /** The newest messages, unless the first unread one would be above the screen: then from it. */
  const showFirstPage = () => {
    scrollToBottom();
    const line = scroller.querySelector<HTMLElement>('.unread-divider');
    if (line && line.offsetTop < scroller.scrollTop) {
      scroller.scrollTop = line.offsetTop - 8;
      onScroll();
    }
    checkSeen();
  };

  onMount(showFirstPage);

  const rows = createMemo((): Row[] => [...props.room.messages(), ...props.room.outbox()]);
  const keys = createMemo(() => rows().map(keyOf), [], { equals: sameKeys });
  const at = createMemo(() => new Map(keys().map((k, i) => [k, i])));
  const isAdmin = () => me()?.role === 'ADMIN';

  return (
    <div class="messages-wrap">
      <div class="messages" ref={scroller} onScroll={onScroll} tabindex="0" aria-label={t('room.messages', props.room.name)}>
        <div class="messages-top">
          <Show
            when={props.room.hasOlder()}
            fallback={
              <Show when={props.room.loadState().state === 'ready' && props.room.messages().length > 0}>
                <p class="messages-beginning">{t('room.beginning')}</p>
              </Show>
            }
          >
            <button type="button" class="button button-secondary button-small load-older" onClick={loadOlder} disabled={props.room.loadingOlder()}>
              {props.room.loadingOlder() ? t('room.loadingOlder') : t('room.loadOlder')}
            </button>
          </Show>
        </div>
        <Show when={props.room.loadState().state === 'ready' && rows().length === 0}>
          <div class="messages-empty">
            <p>{t('room.empty')}</p>
          </div>
        </Show>
        <ol class="message-list">
          <For each={keys()}>
            {(key) => {
              // The row's message now; a row about to go keeps its last one until removed.
              const m = createMemo<Row>((last) => rows()[at().get(key) ?? -1] ?? last, rows()[at().get(key)!]);
              const mine = () => !!m().sender && m().sender!.id === me()?.id;
              return (
                <>
                <Show when={props.dividerBefore !== undefined && 'seq' in m() && (m() as Message).seq === props.dividerBefore}>
                  <li class="unread-divider" role="separator" aria-label={t('room.unreadDivider')}>
                    <span>{t('room.unreadDivider')}</span>
                  </li>
                </Show>
                <MessageItem
                  message={m()}
                  mine={mine()}
                  mentionsMe={!mine() && mentionsUser(m() as Message, me()?.id)}
                  continued={continues(rows()[(at().get(key) ?? 0) - 1], m())}
                  canEdit={mine()}
                  canDelete={mine() || isAdmin()}
                  onEdit={(content) => props.room.edit((m() as Message).id, content)}
                  onDelete={() => props.room.remove((m() as Message).id)}
                  onRetry={() => props.room.retry(m().clientId!)}
                  onDiscard={() => props.room.discard(m().clientId!)}
                />
                </>
              );
            }}
          </For>
        </ol>
      </div>
      <Show when={unseen() > 0}>
        <button type="button" class="new-messages-pill" onClick={() => scrollToBottom(true)}>
          {t('room.newMessages', unseen())} <span aria-hidden="true">↓</span>
        </button>
      </Show>
      <div class="sr-only" aria-live="polite" aria-atomic="true">
        {announcement()}
      </div>
    </div>
  );
}
