// The signed-in viewer's rooms and direct conversations with unread and mention badges
// (live), and the ways to get more: browse public rooms, a new private room, message
// someone. On phones it is a drawer behind the header's "Rooms" button.
import { createEffect, createSignal, For, Match, on, Show, Switch } from 'solid-js';
import { useClient } from '@urql/solid';
import { useMyRooms } from '../chat/my-rooms';
import { roomName, roomPath } from '../chat/rules';
import { PublicRoomsQuery } from '../graphql/documents';
import { t } from '../i18n';
import { askForNotifications, canAskForNotifications } from '../notify';
import { navigate, route } from '../router';
import { me } from '../session';
import { Avatar } from './Avatar';
import { Link } from './Link';

const [drawerOpen, setDrawerOpen] = createSignal(false);
export { drawerOpen, setDrawerOpen };

type Panel = 'none' | 'browse' | 'private' | 'direct';

export function Sidebar() {
  const myRooms = useMyRooms()!;
  const [panel, setPanel] = createSignal<Panel>('none');
  const current = () => {
    const r = route();
    return r.page === 'room' ? r.name : undefined;
  };
  // Going somewhere closes the drawer and any open form.
  createEffect(
    on(current, () => {
      setDrawerOpen(false);
      setPanel('none');
    }, { defer: true }),
  );
  const toggle = (p: Panel) => setPanel((now) => (now === p ? 'none' : p));
  const rooms = () => myRooms.rooms().filter((m) => m.room.visibility !== 'DIRECT');
  const directs = () => myRooms.rooms().filter((m) => m.room.visibility === 'DIRECT');

  const Item = (props: { m: ReturnType<typeof myRooms.rooms>[number] }) => {
    const name = () => myRooms.nameOf(props.m);
    return (
      <li>
        <Link
          href={roomPath(props.m.room.name)}
          class="sidebar-room"
          classList={{ 'sidebar-room-current': current() === props.m.room.name, 'sidebar-room-unread': props.m.unreadCount > 0 }}
          aria-current={current() === props.m.room.name ? 'page' : undefined}
          data-room={props.m.room.name}
          data-visibility={props.m.room.visibility}
        >
          <Show when={props.m.room.visibility === 'DIRECT'} fallback={<span class="sidebar-hash" aria-hidden="true">{props.m.room.visibility === 'PRIVATE' ? '🔒' : '#'}</span>}>
            <Avatar name={name()} size="sm" />
          </Show>
          <span class="sidebar-room-name">{name()}</span>
          <Show when={props.m.mentionCount > 0}>
            <span class="badge badge-mention" data-mentions={props.m.mentionCount} title={t('sidebar.mentions', props.m.mentionCount)}>
              @<span class="sr-only">{t('sidebar.mentions', props.m.mentionCount)}</span>
            </span>
          </Show>
          <Show when={props.m.unreadCount > 0}>
            <span class="badge badge-unread" data-unread={props.m.unreadCount}>
              <span aria-hidden="true">{props.m.unreadCount > 99 ? '99+' : props.m.unreadCount}</span>
              <span class="sr-only">{t('sidebar.unread', props.m.unreadCount)}</span>
            </span>
          </Show>
        </Link>
      </li>
    );
  };

  return (
    <aside class="sidebar" classList={{ 'sidebar-open': drawerOpen() }} id="sidebar" aria-label={t('sidebar.label')}>
      <div class="sidebar-actions">
        <button type="button" class="sidebar-action" aria-expanded={panel() === 'browse'} onClick={() => toggle('browse')}>
          {t('sidebar.browse')}
        </button>
        <button type="button" class="sidebar-action" aria-expanded={panel() === 'private'} onClick={() => toggle('private')}>
          {t('sidebar.newPrivate')}
        </button>
        <button type="button" class="sidebar-action" aria-expanded={panel() === 'direct'} onClick={() => toggle('direct')}>
          {t('sidebar.messageSomeone')}
        </button>
      </div>
      <Switch>
        <Match when={panel() === 'browse'}>
          <BrowsePublic onDone={() => setPanel('none')} />
        </Match>
        <Match when={panel() === 'private'}>
          <NameForm
            id="new-private-room"
            label={t('sidebar.privateName')}
            optional={{ id: 'new-private-topic', label: t('sidebar.privateTopic') }}
            submit={t('sidebar.create')}
            check={(v) => (roomName(v) ? undefined : t('index.invalid'))}
            run={async (v, topic) => {
              const made = await myRooms.createPrivate(roomName(v)!, topic);
              if (made.ok) navigate(roomPath(made.value));
              return made.ok ? undefined : made.error ?? t('message.unreachable');
            }}
          />
        </Match>
        <Match when={panel() === 'direct'}>
          <NameForm
            id="direct-username"
            label={t('sidebar.directUsername')}
            submit={t('sidebar.openDirect')}
            check={(v) => (v ? undefined : t('sidebar.usernameNeeded'))}
            run={async (v) => {
              const opened = await myRooms.openDirect(v.replace(/^@/, ''));
              if (opened.ok) navigate(roomPath(opened.value));
              return opened.ok ? undefined : opened.error ?? t('message.unreachable');
            }}
          />
        </Match>
      </Switch>

      <nav class="sidebar-lists" aria-label={t('sidebar.label')}>
        <h2 class="sidebar-heading">{t('sidebar.rooms')}</h2>
        <Show when={myRooms.state() !== 'loading' && rooms().length === 0}>
          <p class="sidebar-empty">{myRooms.state() === 'error' ? t('index.loadFailed') : t('sidebar.noRooms')}</p>
        </Show>
        <ul class="sidebar-list" data-list="rooms">
          <For each={rooms()}>{(m) => <Item m={m} />}</For>
        </ul>
        <h2 class="sidebar-heading">{t('sidebar.direct')}</h2>
        <Show when={myRooms.state() !== 'loading' && directs().length === 0}>
          <p class="sidebar-empty">{t('sidebar.noDirect')}</p>
        </Show>
        <ul class="sidebar-list" data-list="direct">
          <For each={directs()}>{(m) => <Item m={m} />}</For>
        </ul>
      </nav>
      <Show when={canAskForNotifications()}>
        <button type="button" class="button button-secondary button-small sidebar-notify" onClick={() => void askForNotifications()}>
          {t('sidebar.notifications')}
        </button>
      </Show>
    </aside>
  );
}

/** One field (and an optional second one) and a button; `run` answers an error to show, or nothing when done. */
function NameForm(props: {
  id: string;
  label: string;
  /** A second, optional field (its value trimmed, or "" when left empty). */
  optional?: { id: string; label: string };
  submit: string;
  check: (v: string) => string | undefined;
  run: (v: string, optional: string) => Promise<string | undefined>;
}) {
  const [value, setValue] = createSignal('');
  const [optional, setOptional] = createSignal('');
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  return (
    <form
      class="sidebar-form"
      novalidate
      onSubmit={async (event) => {
        event.preventDefault();
        const v = value().trim();
        const problem = props.check(v);
        setError(problem);
        if (problem || busy()) return;
        setBusy(true);
        setError(await props.run(v, optional().trim()));
        setBusy(false);
      }}
    >
      <label for={props.id} class="field-label">
        {props.label}
      </label>
      <input id={props.id} type="text" autocomplete="off" autocapitalize="off" spellcheck={false} autofocus value={value()} onInput={(e) => setValue(e.currentTarget.value)} aria-invalid={!!error()} />
      <Show when={props.optional}>
        {(field) => (
          <>
            <label for={field().id} class="field-label">
              {field().label}
            </label>
            <input id={field().id} type="text" autocomplete="off" value={optional()} onInput={(e) => setOptional(e.currentTarget.value)} />
          </>
        )}
      </Show>
      <button type="submit" class="button button-primary button-small" disabled={busy()}>
        {props.submit}
      </button>
      <Show when={error()}>
        <p class="field-error" role="alert">
          {error()}
        </p>
      </Show>
    </form>
  );
}

/** Public rooms to join (rooms(visibility: PUBLIC)); the ones joined already just open. */
function BrowsePublic(props: { onDone: () => void }) {
  const client = useClient();
  const myRooms = useMyRooms()!;
  const [list, setList] = createSignal<{ name: string; topic?: string | null }[]>();
  const [error, setError] = createSignal<string>();
  void client
    .query(PublicRoomsQuery, { first: 100 })
    .toPromise()
    .then((result) => (result.data ? setList(result.data.rooms.edges.map((e) => e.node)) : setError(t('index.loadFailed'))));
  return (
    <section class="sidebar-browse" aria-label={t('sidebar.browse')}>
      <Show when={list()} fallback={<p class="sidebar-empty">{error() ?? t('index.loading')}</p>}>
        {(rooms) => (
          <Show when={rooms().length > 0} fallback={<p class="sidebar-empty">{t('index.empty')}</p>}>
            <ul class="browse-list">
              <For each={rooms()}>
                {(room) => (
                  <li class="browse-room" data-room={room.name}>
                    <span class="browse-name">#{room.name}</span>
                    <Show when={room.topic}>
                      <span class="browse-topic">{room.topic}</span>
                    </Show>
                    <Show
                      when={!myRooms.membership(room.name)}
                      fallback={
                        <Link href={roomPath(room.name)} class="link-button">
                          {t('sidebar.openRoom')}
                        </Link>
                      }
                    >
                      <button
                        type="button"
                        class="button button-secondary button-small"
                        onClick={async () => {
                          const joined = await myRooms.join(room.name);
                          if (joined.ok) {
                            props.onDone();
                            navigate(roomPath(room.name));
                          } else setError(joined.error ?? t('message.unreachable'));
                        }}
                      >
                        {t('sidebar.join')}
                      </button>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
      <Show when={list() && error()}>
        <p class="field-error" role="alert">
          {error()}
        </p>
      </Show>
    </section>
  );
}
