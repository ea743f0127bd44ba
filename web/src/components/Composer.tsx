// The message input: Enter sends, Shift+Enter starts a new line (and Enter while an input
// method is composing, e.g. typing Chinese, is left to the IME). Signed out, it is
// disabled, with a link to sign in that comes back to this room. Nothing typed or pasted
// is cut: near the server's limit (the `limits` query, counted in code points) a counter
// shows, and over it the composer says so and does not send.
import { createSignal, Show } from 'solid-js';
import { t } from '../i18n';
import { me } from '../session';
import { signInPath } from '../router';
import { maxMessageLength } from '../limits';
import { messageLength, sendable } from '../chat/rules';
import { Link } from './Link';

/** The counter shows from this share of the limit on. */
const COUNTER_FROM = 0.9;

export function Composer(props: { room: string; /** What the room is called on the page (a direct room: the other person). */ label?: string; onSend: (text: string) => void }) {
  const [text, setText] = createSignal('');
  let input!: HTMLTextAreaElement;
  const signedOut = () => me() === null;
  const length = () => messageLength(text());
  const tooLong = () => {
    const max = maxMessageLength();
    return max !== undefined && length() > max;
  };
  const showCounter = () => {
    const max = maxMessageLength();
    return max !== undefined && length() >= max * COUNTER_FROM;
  };
  const canSend = () => !signedOut() && sendable(text(), maxMessageLength());

  const submit = () => {
    if (!canSend()) return;
    props.onSend(text());
    setText('');
    input.focus();
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Show when={signedOut()}>
        <p class="composer-signed-out">
          {t('composer.signedOut')}{' '}
          <Link href={signInPath(`/chat/${encodeURIComponent(props.room)}/`)} class="composer-sign-in">
            {t('composer.signIn')}
          </Link>
        </p>
      </Show>
      <div class="composer-row">
        <label class="sr-only" for="composer-input">
          {t('composer.label')}
        </label>
        <textarea
          id="composer-input"
          ref={input}
          rows="1"
          value={text()}
          disabled={signedOut()}
          placeholder={t('composer.placeholder', props.label ?? props.room)}
          aria-invalid={tooLong()}
          aria-describedby="composer-length"
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
              event.preventDefault();
              submit();
            }
          }}
        />
        <button type="submit" class="button button-primary composer-send" disabled={!canSend()}>
          {t('composer.send')}
        </button>
      </div>
      {/* The notice is a live region that keeps its text while over the limit (announced once);
          the counter changes with every key and is only read with the input. */}
      <div id="composer-length" class="composer-length" classList={{ 'composer-length-shown': showCounter() }}>
        <span class="composer-too-long" aria-live="polite">
          {tooLong() ? t('composer.tooLong', maxMessageLength()!) : ''}
        </span>
        <Show when={showCounter()}>
          <span class="composer-count" classList={{ 'composer-count-over': tooLong() }}>
            {t('composer.count', length(), maxMessageLength()!)}
          </span>
        </Show>
      </div>
    </form>
  );
}
