// Message text as text nodes, with http(s) links as <a> elements. Never innerHTML.
import { For, Match, Switch } from 'solid-js';
import { linkify } from '../chat/linkify';

export function MessageText(props: { text: string }) {
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
          <Match when={part.kind === 'text'}>{part.text}</Match>
        </Switch>
      )}
    </For>
  );
}
