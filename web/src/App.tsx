// The page shell: header with the status line, then the page for the current path.
import { createEffect, Match, Switch } from 'solid-js';
import { locale, t } from './i18n';
import { navigate, route } from './router';
import { Header } from './components/Header';
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
      <Header />
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
  );
}
