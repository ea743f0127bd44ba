// A round initial in a colour derived from the name (the same name, the same colour).
export function hue(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return h;
}

export function Avatar(props: { name: string | null; size?: 'sm' | 'md' }) {
  const initial = () => (props.name ? [...props.name][0].toUpperCase() : '?');
  return (
    <span
      class="avatar"
      classList={{ 'avatar-sm': props.size === 'sm' }}
      style={{ '--avatar-hue': String(props.name ? hue(props.name) : 220) }}
      aria-hidden="true"
    >
      {initial()}
    </span>
  );
}
