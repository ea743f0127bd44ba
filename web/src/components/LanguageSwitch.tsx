// The language switch: a small segmented control (the choice is saved by i18n.ts).
import { For } from 'solid-js';
import { LOCALES, locale, setLocale, t } from '../i18n';

export function LanguageSwitch() {
  return (
    <div class="lang-switch" role="group" aria-label={t('language')}>
      <For each={LOCALES}>
        {(option) => (
          <button
            type="button"
            lang={option.id}
            aria-pressed={locale() === option.id}
            onClick={() => setLocale(option.id)}
          >
            {option.label}
          </button>
        )}
      </For>
    </div>
  );
}
