// Desktop notifications for mentions while the tab is hidden. Permission is asked on first
// use: the first time the signed-in reader sends a message (a click or Enter, which browsers
// require for the prompt, at the moment they start taking part, when replies that mention
// them begin), once per browser; the sidebar's button asks whenever they like. Never at
// load: browsers ignore, and readers resent, a prompt nobody asked for.
import { createSignal } from 'solid-js';

const supported = typeof window !== 'undefined' && 'Notification' in window;
const [permission, setPermission] = createSignal<NotificationPermission>(supported ? Notification.permission : 'denied');
/** Set once the first-use prompt was shown (whatever the answer: a dismissed prompt is not shown again). */
const ASKED_KEY = 'roomchat.notificationsAsked';

/** Whether to offer the "enable notifications" button. */
export const canAskForNotifications = () => supported && permission() === 'default';
export const notificationsOn = () => supported && permission() === 'granted';

export async function askForNotifications(): Promise<void> {
  if (!supported) return;
  setPermission(await Notification.requestPermission());
}

/** Asks for the permission the first time this browser's reader uses the chat (call it from their gesture). */
export function askOnFirstUse(): void {
  if (!canAskForNotifications()) return;
  try {
    if (localStorage.getItem(ASKED_KEY)) return;
    localStorage.setItem(ASKED_KEY, '1');
  } catch {
    return; // no storage: it could not be remembered, so the button is left to ask
  }
  void askForNotifications();
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
