// The connection status line: connecting, connected, reconnecting (with a countdown to
// the next try and a "retry now" button), offline. Announced politely to screen readers.
import { createSignal, onCleanup, Show } from 'solid-js';
import { connectionStatus, retryNow } from '../connection';
import { t } from '../i18n';

export function ConnectionStatus() {
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 250);
  onCleanup(() => clearInterval(tick));

  const text = () => {
    const s = connectionStatus();
    switch (s.state) {
      case 'connecting':
        return t('status.connecting');
      case 'connected':
        return t('status.connected');
      case 'offline':
        return t('status.offline');
      case 'reconnecting': {
        const left = Math.ceil((s.nextAt - now()) / 1000);
        return left > 0 ? t('status.reconnectingIn', left) : t('status.reconnecting');
      }
    }
  };
  const waiting = () => {
    const s = connectionStatus();
    return s.state === 'reconnecting' && s.nextAt - now() > 1000;
  };

  return (
    <div class="connection" data-connection={connectionStatus().state} role="status" aria-live="polite">
      <span class="connection-dot" aria-hidden="true" />
      <span class="connection-text">{text()}</span>
      <Show when={waiting()}>
        <button type="button" class="link-button" onClick={retryNow}>
          {t('status.retryNow')}
        </button>
      </Show>
    </div>
  );
}
