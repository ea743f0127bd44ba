// English and Traditional Chinese (the old app's language). The language comes from a
// choice saved in localStorage, else navigator.language; the switch in the header changes it.
import { createSignal } from 'solid-js';

export type Locale = 'en' | 'zh-Hant';
export const LOCALES: { id: Locale; label: string }[] = [
  { id: 'zh-Hant', label: '中文' },
  { id: 'en', label: 'English' },
];
const STORAGE_KEY = 'chat.locale';

const en = {
  appName: 'Chat',
  skipToContent: 'Skip to content',
  language: 'Language',
  'status.connecting': 'Connecting…',
  'status.connected': 'Connected',
  'status.reconnecting': 'Reconnecting…',
  'status.reconnectingIn': (s: number) => `Connection lost. Reconnecting in ${s} s…`,
  'status.offline': 'Offline: waiting for the network',
  'status.retryNow': 'Retry now',
  'index.title': 'Chat rooms',
  'index.heading': 'Join a room',
  'index.lead': 'Type a room name to open it. Anyone with the name can join.',
  'index.roomName': 'Room name',
  'index.placeholder': 'e.g. general',
  'index.open': 'Open room',
  'index.invalid': 'Room names are 1–64 characters: letters, digits, "_" and "-" only.',
  'index.active': 'Active rooms',
  'index.empty': 'No rooms yet. Open one above and say hello.',
  'index.loading': 'Loading rooms…',
  'index.loadFailed': 'The list of rooms could not be loaded.',
  'room.title': (room: string) => `Room: ${room}`,
  'room.back': 'All rooms',
  'room.loadOlder': 'Load older messages',
  'room.loadingOlder': 'Loading…',
  'room.beginning': 'This is the beginning of the room.',
  'room.empty': 'No messages yet. Be the first to say something.',
  'room.loading': 'Loading messages…',
  'room.loadFailed': 'The messages could not be loaded.',
  'room.retry': 'Try again',
  'room.newMessages': (n: number) => (n === 1 ? '1 new message' : `${n} new messages`),
  'room.messages': (room: string) => `Messages in ${room}`,
  'composer.label': 'Message',
  'composer.placeholder': (room: string) => `Message #${room}`,
  'composer.send': 'Send',
  'composer.signedOut': 'Sign in to send messages.',
  'composer.signIn': 'Sign in',
  'composer.count': (length: number, max: number) => `${length} / ${max}`,
  'composer.tooLong': (max: number) => `Too long to send: the limit is ${max} characters.`,
  'message.deletedUser': 'deleted user',
  'message.sending': 'Sending…',
  'message.queued': 'Waiting for the connection; it will be sent automatically.',
  'message.failed': 'Not sent',
  'message.retry': 'Retry',
  'message.discard': 'Discard',
  'message.actions': 'Message actions',
  'message.edit': 'Edit',
  'message.delete': 'Delete',
  'message.edited': '(edited)',
  'message.editedAt': (when: string) => `Edited ${when}`,
  'message.deleted': 'message deleted',
  'message.editLabel': 'Edit message',
  'message.editHint': 'Enter to save, Shift+Enter for a new line, Esc to cancel',
  'message.save': 'Save',
  'message.saving': 'Saving…',
  'message.cancel': 'Cancel',
  'message.editEmpty': 'A message cannot be empty. To remove it, delete it instead.',
  'message.confirmDelete': 'Delete this message?',
  'message.deleting': 'Deleting…',
  'message.unreachable': 'The server could not be reached. Please try again.',
  'auth.signIn': 'Sign in',
  'auth.signUp': 'Create account',
  'auth.signOut': 'Sign out',
  'auth.username': 'Username',
  'auth.password': 'Password',
  'auth.signInTitle': 'Sign in',
  'auth.signUpTitle': 'Create an account',
  'auth.signInLead': 'Welcome back. Sign in to join the conversation.',
  'auth.signUpLead': 'Pick a username and a password of at least 8 characters.',
  'auth.noAccount': 'No account yet?',
  'auth.haveAccount': 'Already have an account?',
  'auth.working': 'One moment…',
  'auth.failed': 'That did not work. Please try again.',
  'auth.networkError': 'The server could not be reached. Check your connection and try again.',
  'auth.signedInAs': (name: string) => `Signed in as ${name}`,
  'time.yesterday': 'Yesterday',
  'notFound.title': 'Page not found',
  'notFound.body': 'There is nothing here.',
  'notFound.home': 'Go to the rooms',
  'admin.link': 'Admin',
  'admin.title': 'Admin',
  'admin.signIn': 'Sign in as an admin to manage users.',
  'admin.forbidden': 'Only admins can open this page.',
  'admin.users': 'Users',
  'admin.search': 'Search users',
  'admin.searchPlaceholder': 'Username contains…',
  'admin.noUsers': 'No users found.',
  'admin.role.ADMIN': 'Admin',
  'admin.role.USER': 'User',
  'admin.disabled': 'Disabled',
  'admin.you': '(you)',
  'admin.promote': 'Make admin',
  'admin.demote': 'Remove admin',
  'admin.disable': 'Disable',
  'admin.enable': 'Enable',
  'admin.confirmDisable': (name: string) => `Disable ${name}? They are signed out everywhere and cannot sign in until enabled.`,
  'admin.more': 'Show more',
  'admin.loading': 'Loading…',
  'admin.loadFailed': 'This could not be loaded.',
  'admin.log': 'Moderation log',
  'admin.logEmpty': 'Nothing has been moderated yet.',
  'admin.commandLine': 'command line',
  'admin.action.deleteMessage': (actor: string, target: string, room: string) => `${actor} deleted a message by ${target} in #${room}`,
  'admin.action.disableUser': (actor: string, target: string) => `${actor} disabled ${target}`,
  'admin.action.enableUser': (actor: string, target: string) => `${actor} enabled ${target}`,
  'admin.action.setRole': (actor: string, target: string, role: string) => `${actor} made ${target} ${role === 'admin' ? 'an admin' : 'a user'}`,
};

type Dictionary = typeof en;

const zhHant: Dictionary = {
  appName: '聊天室',
  skipToContent: '跳到主要內容',
  language: '語言',
  'status.connecting': '連線中…',
  'status.connected': '已連線',
  'status.reconnecting': '重新連線中…',
  'status.reconnectingIn': (s: number) => `連線中斷，${s} 秒後重新連線…`,
  'status.offline': '離線：等待網路恢復',
  'status.retryNow': '立即重試',
  'index.title': '聊天室',
  'index.heading': '進入聊天室',
  'index.lead': '輸入聊天室名稱即可進入，知道名稱的人都能加入。',
  'index.roomName': '聊天室名稱',
  'index.placeholder': '例如 general',
  'index.open': '進入',
  'index.invalid': '聊天室名稱須為 1–64 個字元，只能使用文字、數字、「_」和「-」。',
  'index.active': '最近活動的聊天室',
  'index.empty': '還沒有聊天室。在上面開一個，打聲招呼吧。',
  'index.loading': '載入聊天室…',
  'index.loadFailed': '無法載入聊天室列表。',
  'room.title': (room: string) => `聊天室: ${room}`,
  'room.back': '所有聊天室',
  'room.loadOlder': '載入較早的訊息',
  'room.loadingOlder': '載入中…',
  'room.beginning': '這是聊天室的開頭。',
  'room.empty': '還沒有訊息，來說第一句話吧。',
  'room.loading': '載入訊息…',
  'room.loadFailed': '無法載入訊息。',
  'room.retry': '再試一次',
  'room.newMessages': (n: number) => `${n} 則新訊息`,
  'room.messages': (room: string) => `${room} 的訊息`,
  'composer.label': '訊息',
  'composer.placeholder': (room: string) => `傳訊息到 #${room}`,
  'composer.send': '傳送',
  'composer.signedOut': '登入後才能傳送訊息。',
  'composer.signIn': '登入',
  'composer.count': (length: number, max: number) => `${length} / ${max}`,
  'composer.tooLong': (max: number) => `太長了，無法傳送：上限是 ${max} 個字元。`,
  'message.deletedUser': '已刪除的使用者',
  'message.sending': '傳送中…',
  'message.queued': '等待連線，恢復後會自動傳送。',
  'message.failed': '未送出',
  'message.retry': '重試',
  'message.discard': '捨棄',
  'message.actions': '訊息操作',
  'message.edit': '編輯',
  'message.delete': '刪除',
  'message.edited': '（已編輯）',
  'message.editedAt': (when: string) => `編輯於 ${when}`,
  'message.deleted': '訊息已刪除',
  'message.editLabel': '編輯訊息',
  'message.editHint': 'Enter 儲存，Shift+Enter 換行，Esc 取消',
  'message.save': '儲存',
  'message.saving': '儲存中…',
  'message.cancel': '取消',
  'message.editEmpty': '訊息不能是空的。要移除訊息，請改用刪除。',
  'message.confirmDelete': '要刪除這則訊息嗎？',
  'message.deleting': '刪除中…',
  'message.unreachable': '無法連上伺服器，請再試一次。',
  'auth.signIn': '登入',
  'auth.signUp': '註冊',
  'auth.signOut': '登出',
  'auth.username': '使用者名稱',
  'auth.password': '密碼',
  'auth.signInTitle': '登入',
  'auth.signUpTitle': '建立帳號',
  'auth.signInLead': '歡迎回來，登入後加入對話。',
  'auth.signUpLead': '選一個使用者名稱，密碼至少 8 個字元。',
  'auth.noAccount': '還沒有帳號？',
  'auth.haveAccount': '已經有帳號了？',
  'auth.working': '請稍候…',
  'auth.failed': '沒有成功，請再試一次。',
  'auth.networkError': '無法連上伺服器，請檢查網路後再試一次。',
  'auth.signedInAs': (name: string) => `已登入：${name}`,
  'time.yesterday': '昨天',
  'notFound.title': '找不到頁面',
  'notFound.body': '這裡什麼都沒有。',
  'notFound.home': '回到聊天室列表',
  'admin.link': '管理',
  'admin.title': '管理',
  'admin.signIn': '請以管理員身分登入以管理使用者。',
  'admin.forbidden': '只有管理員可以開啟這個頁面。',
  'admin.users': '使用者',
  'admin.search': '搜尋使用者',
  'admin.searchPlaceholder': '使用者名稱包含…',
  'admin.noUsers': '找不到使用者。',
  'admin.role.ADMIN': '管理員',
  'admin.role.USER': '使用者',
  'admin.disabled': '已停用',
  'admin.you': '（你）',
  'admin.promote': '設為管理員',
  'admin.demote': '取消管理員',
  'admin.disable': '停用',
  'admin.enable': '啟用',
  'admin.confirmDisable': (name: string) => `要停用 ${name} 嗎？對方會在所有裝置上被登出，重新啟用前無法登入。`,
  'admin.more': '顯示更多',
  'admin.loading': '載入中…',
  'admin.loadFailed': '無法載入。',
  'admin.log': '管理紀錄',
  'admin.logEmpty': '目前還沒有任何管理動作。',
  'admin.commandLine': '命令列',
  'admin.action.deleteMessage': (actor: string, target: string, room: string) => `${actor} 刪除了 ${target} 在 #${room} 的訊息`,
  'admin.action.disableUser': (actor: string, target: string) => `${actor} 停用了 ${target}`,
  'admin.action.enableUser': (actor: string, target: string) => `${actor} 啟用了 ${target}`,
  'admin.action.setRole': (actor: string, target: string, role: string) => `${actor} 將 ${target} 設為${role === 'admin' ? '管理員' : '一般使用者'}`,
};

const dictionaries: Record<Locale, Dictionary> = { en, 'zh-Hant': zhHant };

export function detectLocale(saved: string | null, languages: readonly string[]): Locale {
  if (saved === 'en' || saved === 'zh-Hant') return saved;
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-Hant';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

function saved(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

const [locale, setLocaleSignal] = createSignal<Locale>(
  detectLocale(saved(), typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language]),
);
export { locale };

export function setLocale(next: Locale) {
  setLocaleSignal(next);
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

type Key = keyof Dictionary;
type Args<K extends Key> = Dictionary[K] extends (...args: infer A) => string ? A : [];

/** The text for `key` in the current language (reactive: call it inside JSX or effects). */
export function t<K extends Key>(key: K, ...args: Args<K>): string {
  const entry = dictionaries[locale()][key] as string | ((...a: unknown[]) => string);
  return typeof entry === 'function' ? entry(...args) : entry;
}
