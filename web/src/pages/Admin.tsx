// /admin/ — for admins: users (search, promote/demote, disable/enable) and the moderation
// log. The server decides who is an admin; this page only hides itself from others.
import { createEffect, createSignal, For, Match, on, Show, Switch } from 'solid-js';
import { useClient } from '@urql/solid';
import { t } from '../i18n';
import { me } from '../session';
import { signInPath } from '../router';
import { formatTime } from '../time';
import { Avatar } from '../components/Avatar';
import { Link } from '../components/Link';
import {
  AdminUsersQuery,
  ModerationLogQuery,
  SetUserDisabledMutation,
  SetUserRoleMutation,
  type AdminUser,
  type ModerationLogResult,
} from '../graphql/admin';

type LogEntry = ModerationLogResult['moderationLog']['edges'][number]['node'];
const PAGE = 50;

export default function Admin() {
  createEffect(() => (document.title = t('admin.title')));
  return (
    <div class="page page-admin">
      <Switch fallback={<p class="muted">{t('admin.loading')}</p>}>
        <Match when={me() === null}>
          <div class="card">
            <p class="lead">{t('admin.signIn')}</p>
            <Link href={signInPath()} class="button button-primary">
              {t('auth.signIn')}
            </Link>
          </div>
        </Match>
        <Match when={me() && me()!.role !== 'ADMIN'}>
          <div class="card">
            <p class="lead">{t('admin.forbidden')}</p>
          </div>
        </Match>
        <Match when={me()?.role === 'ADMIN'}>
          <h1>{t('admin.title')}</h1>
          <AdminPanels />
        </Match>
      </Switch>
    </div>
  );
}

function AdminPanels() {
  const client = useClient();
  const [query, setQuery] = createSignal('');
  const [users, setUsers] = createSignal<AdminUser[]>([]);
  const [usersNext, setUsersNext] = createSignal<string | null>(null);
  const [log, setLog] = createSignal<LogEntry[]>([]);
  const [logNext, setLogNext] = createSignal<string | null>(null);
  const [error, setError] = createSignal('');

  const loadUsers = async (after: string | null) => {
    const r = await client.query(AdminUsersQuery, { query: query() || null, first: PAGE, after }, { requestPolicy: 'network-only' }).toPromise();
    if (!r.data) return setError(r.error?.graphQLErrors[0]?.message ?? t('admin.loadFailed'));
    const page = r.data.users;
    setUsers((list) => [...(after ? list : []), ...page.edges.map((e) => e.node)]);
    setUsersNext(page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null);
  };
  const loadLog = async (after: string | null) => {
    const r = await client.query(ModerationLogQuery, { first: PAGE, after }, { requestPolicy: 'network-only' }).toPromise();
    if (!r.data) return setError(r.error?.graphQLErrors[0]?.message ?? t('admin.loadFailed'));
    const page = r.data.moderationLog;
    setLog((list) => [...(after ? list : []), ...page.edges.map((e) => e.node)]);
    setLogNext(page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null);
  };
  createEffect(on(query, () => void loadUsers(null)));
  void loadLog(null);

  /** Runs a change; on success the row shows the server's answer and the log is read again. */
  const change = async (run: () => Promise<{ data?: AdminUser; message?: string }>) => {
    setError('');
    const { data, message } = await run();
    if (!data) return setError(message ?? t('admin.loadFailed'));
    setUsers((list) => list.map((u) => (u.id === data.id ? data : u)));
    await loadLog(null);
  };
  const setRole = (user: AdminUser, role: 'ADMIN' | 'USER') =>
    change(async () => {
      const r = await client.mutation(SetUserRoleMutation, { id: user.id, role }).toPromise();
      return { data: r.data?.setUserRole, message: r.error?.graphQLErrors[0]?.message };
    });
  const setDisabled = (user: AdminUser, disabled: boolean) => {
    if (disabled && !confirm(t('admin.confirmDisable', user.username))) return;
    return change(async () => {
      const r = await client.mutation(SetUserDisabledMutation, { id: user.id, disabled }).toPromise();
      return { data: r.data?.setUserDisabled, message: r.error?.graphQLErrors[0]?.message };
    });
  };

  const describe = (e: LogEntry) => {
    const actor = e.actor?.username ?? t('admin.commandLine');
    const target = e.targetUser?.username ?? '?';
    switch (e.action) {
      case 'deleteMessage': return t('admin.action.deleteMessage', actor, target, e.room ?? '');
      case 'disableUser': return t('admin.action.disableUser', actor, target);
      case 'enableUser': return t('admin.action.enableUser', actor, target);
      case 'setRole': return t('admin.action.setRole', actor, target, e.detail ?? '');
      default: return `${actor}: ${e.action} ${target}`;
    }
  };

  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  return (
    <>
      <Show when={error()}>
        <p class="field-error" role="alert">
          {error()}
        </p>
      </Show>
      <section class="card admin-section" aria-labelledby="admin-users">
        <h2 id="admin-users">{t('admin.users')}</h2>
        <label for="admin-search" class="sr-only">
          {t('admin.search')}
        </label>
        <input
          id="admin-search"
          type="search"
          autocomplete="off"
          placeholder={t('admin.searchPlaceholder')}
          onInput={(e) => {
            const value = e.currentTarget.value.trim();
            clearTimeout(searchTimer);
            searchTimer = setTimeout(() => setQuery(value), 250);
          }}
        />
        <ul class="admin-users">
          <For each={users()} fallback={<li class="muted">{t('admin.noUsers')}</li>}>
            {(user) => (
              <li class="admin-user" data-username={user.username} classList={{ 'admin-user-disabled': !!user.disabledAt }}>
                <Avatar name={user.username} size="sm" />
                <span class="admin-user-name">
                  {user.username} <Show when={user.id === me()?.id}>{t('admin.you')}</Show>
                </span>
                <span class="admin-badge" data-role={user.role}>
                  {t(user.role === 'ADMIN' ? 'admin.role.ADMIN' : 'admin.role.USER')}
                </span>
                <Show when={user.disabledAt}>
                  <span class="admin-badge admin-badge-disabled">{t('admin.disabled')}</span>
                </Show>
                <span class="admin-user-actions">
                  <button type="button" class="button button-ghost button-small" onClick={() => setRole(user, user.role === 'ADMIN' ? 'USER' : 'ADMIN')}>
                    {t(user.role === 'ADMIN' ? 'admin.demote' : 'admin.promote')}
                  </button>
                  <button type="button" class="button button-secondary button-small" onClick={() => setDisabled(user, !user.disabledAt)}>
                    {t(user.disabledAt ? 'admin.enable' : 'admin.disable')}
                  </button>
                </span>
              </li>
            )}
          </For>
        </ul>
        <Show when={usersNext()}>
          <button type="button" class="button button-ghost" onClick={() => loadUsers(usersNext())}>
            {t('admin.more')}
          </button>
        </Show>
      </section>
      <section class="card admin-section" aria-labelledby="admin-log">
        <h2 id="admin-log">{t('admin.log')}</h2>
        <ol class="admin-log">
          <For each={log()} fallback={<li class="muted">{t('admin.logEmpty')}</li>}>
            {(entry) => (
              <li class="admin-log-entry" data-action={entry.action}>
                <time datetime={entry.createdAt}>{formatTime(entry.createdAt)}</time> {describe(entry)}
              </li>
            )}
          </For>
        </ol>
        <Show when={logNext()}>
          <button type="button" class="button button-ghost" onClick={() => loadLog(logNext())}>
            {t('admin.more')}
          </button>
        </Show>
      </section>
    </>
  );
}
