// An <a> that navigates inside the app without reloading (modified clicks behave as usual).
import { splitProps, type JSX } from 'solid-js';
import { navigate } from '../router';

export function Link(props: JSX.AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const [own, rest] = splitProps(props, ['href', 'onClick']);
  return (
    <a
      {...rest}
      href={own.href}
      onClick={(event) => {
        if (typeof own.onClick === 'function') own.onClick(event);
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(own.href);
      }}
    />
  );
}
