import { createEffect } from 'solid-js';
import { t } from '../i18n';
import { Link } from '../components/Link';

export default function NotFound() {
  createEffect(() => (document.title = t('notFound.title')));
  return (
    <div class="page page-narrow">
      <div class="card">
        <h1>{t('notFound.title')}</h1>
        <p class="lead">{t('notFound.body')}</p>
        <Link href="/chat/">{t('notFound.home')}</Link>
      </div>
    </div>
  );
}
