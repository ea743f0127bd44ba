// The page shell: header with the status line, then the page for the current path. Signed-in
// readers get the sidebar of their rooms beside the chat pages (its store lives as long as
// the session does, so badges stay live on every page).
import { createEffect, Match, onCleanup, Show, Switch, type JSX } from 'solid-js';
import { useClient } from '@urql/solid';
import { locale, t } from './i18n';
import { navigate, route } from './router';
import { me } from './session';
import { createMyRooms, MyRoomsContext } from './chat/my-rooms';
import { roomPath } from './chat/rules';
import { notifyWhileHidden } from './notify';
import { Header } from './components/Header';
import { Sidebar } from './components/Sidebar';
import Index from './pages/Index';
import Room from './pages/Room';
import SignIn from './pages/SignIn';
import SignUp from './pages/SignUp';
import NotFound from './pages/NotFound';
import Admin from './pages/Admin';

export function App() {
  createEffect(() => (document.documentElement.lang = locale()));
  // The server redirects / itself; the dev server does not.
  if (location.pathname === '/') navigate('/chat/', { replace: true });

  return (
    <div class="app" classList={{ 'app-room': route().page === 'room' }}>
      <a class="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <Show when={me()?.id} keyed fallback={<Shell sidebar={false} />}>
        {(userId) => (
          <SignedIn userId={userId}>
            <Shell sidebar={true} />
          </SignedIn>
        )}
      </Show>
    </div>
  );
}

function SignedIn(props: { userId: string; children: JSX.Element }) {
  const client = useClient();
  const myRooms = createMyRooms(client, props.userId, {
    onMention(message) {
      const m = myRooms.membership(message.room);
      const where = m ? myRooms.nameOf(m) : message.room;
      notifyWhileHidden(t('notify.mention', message.sender?.username ?? t('message.deletedUser'), where), message.content, message.room, () =>
        navigate(roomPath(message.room)),
      );
    },
  });
  onCleanup(myRooms.dispose);
  return <MyRoomsContext.Provider value={myRooms}>{props.children}</MyRoomsContext.Provider>;
}

function Shell(props: { sidebar: boolean }) {
  const withSidebar = () => props.sidebar && ['index', 'room'].includes(route().page);
  return (
    <>
      <Header sidebar={withSidebar()} />
      <div class="shell">
        <Show when={withSidebar()}>
          <Sidebar />
        </Show>
        <main id="main" class="main">
          <Switch fallback={<NotFound />}>
            <Match when={route().page === 'index'}>
              <Index />
            </Match>
            <Match when={(() => { const r = route(); return r.page === 'room' ? r.name : undefined; })()} keyed>
              {(name) => <Room name={name} />}
            </Match>
            <Match when={(() => { const r = route(); return r.page === 'signin' ? r : undefined; })()}>
              {(r) => <SignIn next={r().next} />}
            </Match>
            <Match when={(() => { const r = route(); return r.page === 'signup' ? r : undefined; })()}>
              {(r) => <SignUp next={r().next} />}
            </Match>
            <Match when={route().page === 'admin'}>
              <Admin />
            </Match>
          </Switch>
        </main>
      </div>
    </>
  );
}
