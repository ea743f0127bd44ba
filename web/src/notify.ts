// Desktop notifications for mentions while the tab is hidden. Permission is asked only when
// the reader presses the button (browsers ignore, and readers resent, a prompt at load).
import { createSignal } from 'solid-js';

const supported = typeof window !== 'undefined' && 'Notification' in window;
const [permission, setPermission] = createSignal<NotificationPermission>(supported ? Notification.permission : 'denied');

/** Whether to offer the "enable notifications" button. */
export const canAskForNotifications = () => supported && permission() === 'default';
export const notificationsOn = () => supported && permission() === 'granted';

export async function askForNotifications(): Promise<void> {
  if (!supported) return;
  setPermission(await Notification.requestPermission());
}

/** Shows a notification when the page is hidden and the reader allowed them; a click brings the page and the room forward. */
export function notifyWhileHidden(title: string, body: string, tag: string, onClick: () => void): void {
  if (!notificationsOn() || document.visibilityState === 'visible') return;
  try {
    const n = new Notification(title, { body, tag });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    /* some platforms only allow notifications from a service worker: nothing to show then */
  }
}
