// A room's members (in the order they joined), following MemberJoined / MemberLeft. A member
// of a private room adds people; the room's creator or an admin removes them; a member
// leaves. The schema does not say who created a room, so "creator" is taken to be a private
// room's first member (createRoom makes its creator that); the server decides in the end,
// and its refusal is shown.
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { useClient } from '@urql/solid';
import { AddMemberMutation, RemoveMemberMutation, RoomMembersQuery, type User } from '../graphql/documents';
import type { RoomVisibility } from '../gql/graphql';
import { t } from '../i18n';
import { me } from '../session';
import { Avatar } from './Avatar';

export function MembersPanel(props: {
  room: string;
  visibility: RoomVisibility;
  member: boolean;
  /** Changes whenever a member joined or left (the room's events). */
  changes: number;
  onLeave: () => Promise<string | undefined>;
}) {
  const client = useClient();
  const [members, setMembers] = createSignal<User[]>();
  const [error, setError] = createSignal<string>();
  const [adding, setAdding] = createSignal('');

  const load = async () => {
    const result = await client.query(RoomMembersQuery, { name: props.room, first: 200 }).toPromise();
    const edges = result.data?.room?.members.edges;
    if (edges) setMembers(edges.map((e) => e.node.user));
    else if (!members()) setError(t('index.loadFailed'));
  };
  createEffect(on(() => props.changes, () => void load()));

  const isAdmin = () => me()?.role === 'ADMIN';
  const canRemove = () => props.visibility !== 'DIRECT' && (isAdmin() || (props.visibility === 'PRIVATE' && members()?.[0]?.id === me()?.id));

  const add = async (event: SubmitEvent) => {
    event.preventDefault();
    const username = adding().trim().replace(/^@/, '');
    if (!username) return;
    const result = await client.mutation(AddMemberMutation, { room: props.room, username }).toPromise();
    if (result.data) {
      setAdding('');
      setError(undefined);
      void load();
    } else setError(result.error?.graphQLErrors[0]?.message ?? t('message.unreachable'));
  };
  const remove = async (username: string) => {
    const result = await client.mutation(RemoveMemberMutation, { room: props.room, username }).toPromise();
    if (result.error) setError(result.error.graphQLErrors[0]?.message ?? t('message.unreachable'));
    else void load();
  };

  return (
    <aside class="members-panel" aria-labelledby="members-heading">
      <h2 id="members-heading" class="members-heading">
        {t('members.title')}
        <Show when={members()}>{(list) => <span class="members-count"> ({list().length})</span>}</Show>
      </h2>
      <ul class="members-list">
        <For each={members()}>
          {(user) => (
            <li class="member" data-member={user.username}>
              <Avatar name={user.username} size="sm" />
              <span class="member-name">
                {user.username}
                <Show when={user.id === me()?.id}> {t('admin.you')}</Show>
              </span>
              <Show when={canRemove() && user.id !== me()?.id}>
                <button type="button" class="link-button link-button-muted" onClick={() => void remove(user.username)} aria-label={t('members.removeUser', user.username)}>
                  {t('members.remove')}
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={props.member && props.visibility === 'PRIVATE'}>
        <form class="members-add" onSubmit={add}>
          <label for="add-member" class="field-label">
            {t('members.add')}
          </label>
          <div class="members-add-row">
            <input id="add-member" type="text" autocomplete="off" autocapitalize="off" spellcheck={false} placeholder={t('auth.username')} value={adding()} onInput={(e) => setAdding(e.currentTarget.value)} />
            <button type="submit" class="button button-secondary button-small">
              {t('members.addButton')}
            </button>
          </div>
        </form>
      </Show>
      <Show when={error()}>
        <p class="field-error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={props.member}>
        <button
          type="button"
          class="button button-secondary button-small members-leave"
          onClick={async () => {
            const problem = await props.onLeave();
            if (problem) setError(problem);
          }}
        >
          {t('members.leave')}
        </button>
      </Show>
    </aside>
  );
}
