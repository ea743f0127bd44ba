// The sign-in and sign-up form. On success the browser goes to ?next= with a full load,
// so the live connection starts again with the new session cookie.
import { createEffect, createSignal, Show } from 'solid-js';
import { useClient } from '@urql/solid';
import type { Client } from '@urql/core';
import { t } from '../i18n';
import type { AuthResult } from '../session';
import { signInPath, signUpPath } from '../router';
import { Link } from '../components/Link';

export function AuthForm(props: { mode: 'signin' | 'signup'; next: string; submit: (client: Client, u: string, p: string) => Promise<AuthResult> }) {
  const client = useClient();
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const signin = () => props.mode === 'signin';
  createEffect(() => (document.title = `${signin() ? t('auth.signInTitle') : t('auth.signUpTitle')} · ${t('appName')}`));

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setBusy(true);
    setError('');
    try {
      const result = await props.submit(client, String(data.get('username') ?? ''), String(data.get('password') ?? ''));
      if (result.ok) {
        location.assign(props.next);
        return;
      }
      setError(result.network ? t('auth.networkError') : result.message || t('auth.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page page-narrow">
      <section class="card auth-card" aria-labelledby="auth-heading">
        <h1 id="auth-heading">{signin() ? t('auth.signInTitle') : t('auth.signUpTitle')}</h1>
        <p class="lead">{signin() ? t('auth.signInLead') : t('auth.signUpLead')}</p>
        <form class="auth-form" onSubmit={onSubmit}>
          <label class="field-label" for="username">
            {t('auth.username')}
          </label>
          <input id="username" name="username" type="text" autocomplete="username" autocapitalize="off" spellcheck={false} required autofocus maxLength={32} />
          <label class="field-label" for="password">
            {t('auth.password')}
          </label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete={signin() ? 'current-password' : 'new-password'}
            required
            minLength={signin() ? undefined : 8}
          />
          <Show when={error()}>
            <p class="field-error" role="alert">
              {error()}
            </p>
          </Show>
          <button type="submit" class="button button-primary button-block" disabled={busy()}>
            {busy() ? t('auth.working') : signin() ? t('auth.signIn') : t('auth.signUp')}
          </button>
        </form>
        <p class="auth-switch">
          {signin() ? t('auth.noAccount') : t('auth.haveAccount')}{' '}
          <Link href={signin() ? signUpPath(props.next) : signInPath(props.next)}>{signin() ? t('auth.signUp') : t('auth.signIn')}</Link>
        </p>
      </section>
    </div>
  );
}
