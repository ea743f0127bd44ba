// Message text as text nodes, with http(s) links as <a> elements and resolved @mentions as
// <span class="mention"> (the viewer's own name stands out more). Never innerHTML.
import { For, Match, Switch } from 'solid-js';
import { linkify } from '../chat/linkify';
import { mentionParts } from '../chat/mentions';
import type { User } from '../graphql/documents';
import { me } from '../session';

export function MessageText(props: { text: string; mentions?: readonly User[] }) {
  return (
    <For each={linkify(props.text)}>
      {(part) => (
        <Switch>
          <Match when={part.kind === 'link' && part}>
            {(link) => (
              <a href={link().href} target="_blank" rel="noopener noreferrer">
                {link().text}
              </a>
            )}
          </Match>
          <Match when={part.kind === 'text'}>
            <For each={mentionParts(part.text, props.mentions ?? [])}>
              {(piece) =>
                piece.kind === 'mention' ? (
                  <span class="mention" classList={{ 'mention-me': piece.user.id === me()?.id }} data-mention={piece.user.username}>
                    {piece.text}
                  </span>
                ) : (
                  piece.text
                )
              }
            </For>
          </Match>
        </Switch>
      )}
    </For>
  );
}
