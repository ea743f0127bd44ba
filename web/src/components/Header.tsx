// The top bar: the app's name (home), the language switch, who is signed in, and for
// admins a link to /admin/. On phones, signed in: the button that opens the sidebar.
import { Show } from 'solid-js';
import { useClient } from '@urql/solid';
import { t } from '../i18n';
import { me, signOut } from '../session';
import { signInPath, signUpPath, route } from '../router';
import { Link } from './Link';
import { Avatar } from './Avatar';
import { LanguageSwitch } from './LanguageSwitch';
import { ConnectionStatus } from './ConnectionStatus';
import { drawerOpen, setDrawerOpen } from './Sidebar';
import { useMyRooms } from '../chat/my-rooms';

export function Header(props: { sidebar?: boolean }) {
  const client = useClient();
  const myRooms = useMyRooms();
  const unread = () => myRooms?.rooms().reduce((n, m) => n + (m.unreadCount > 0 ? 1 : 0), 0) ?? 0;
  const onAuthPage = () => ['signin', 'signup'].includes(route().page);
  return (
    <header class="topbar">
      <div class="topbar-inner">
        <Show when={props.sidebar}>
          <button
            type="button"
            class="button button-ghost sidebar-toggle"
            aria-controls="sidebar"
            aria-expanded={drawerOpen()}
            onClick={() => setDrawerOpen(!drawerOpen())}
          >
            <span aria-hidden="true">☰</span>
            <span class="sr-only">{t('sidebar.toggle')}</span>
            <Show when={unread() > 0}>
              <span class="badge badge-unread" aria-hidden="true">
                {unread()}
              </span>
            </Show>
          </button>
        </Show>
        <Link href="/chat/" class="brand">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          <span>{t('appName')}</span>
        </Link>
        <ConnectionStatus />
        <div class="topbar-actions">
          <LanguageSwitch />
          <Show when={me() !== undefined}>
            <Show
              when={me()}
              fallback={
                <Show when={!onAuthPage()}>
                  <Link href={signInPath()} class="button button-ghost">
                    {t('auth.signIn')}
                  </Link>
                  <Link href={signUpPath()} class="button button-primary button-small hide-narrow">
                    {t('auth.signUp')}
                  </Link>
                </Show>
              }
            >
              {(user) => (
                <div class="user-menu">
                  <Show when={user().role === 'ADMIN'}>
                    <Link href="/admin/" class="button button-ghost">
                      {t('admin.link')}
                    </Link>
                  </Show>
                  <span class="user-name" title={t('auth.signedInAs', user().username)}>
                    <Avatar name={user().username} size="sm" />
                    <span class="hide-narrow">{user().username}</span>
                  </span>
                  <button
                    type="button"
                    class="button button-ghost"
                    onClick={async () => {
                      await signOut(client);
                      location.reload(); // the socket reconnects without the cookie
                    }}
                  >
                    {t('auth.signOut')}
                  </button>
                </div>
              )}
            </Show>
          </Show>
        </div>
      </div>
    </header>
  );
}
