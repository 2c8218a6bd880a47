/** Sign-in with a username and password; the API sets the session cookies (HttpOnly). */
import { useState } from 'preact/hooks';
import { api, ApiError, type Me } from '../api.ts';
import { t } from '../i18n.ts';
import { Alert } from '../components/async.tsx';

export function SignInPage({ onSignedIn, onLang }: { onSignedIn: (me: Me) => void; onLang: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const text = (name: string) => {
        const v = form.get(name);
        return typeof v === 'string' ? v : '';
      };
      const session = await api.signIn(text('username'), text('password'));
      onSignedIn(session.principal);
    } catch (err) {
      setError(err instanceof ApiError ? `${t('signInFailed')}: ${err.message}` : t('signInFailed'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="sign-in">
      <form onSubmit={(e) => void submit(e)} class="card">
        <h1>{t('appName')}</h1>
        <label>
          {t('username')}
          <input name="username" autocomplete="username" required maxLength={100} />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autocomplete="current-password" required maxLength={200} />
        </label>
        <Alert message={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('signIn')}
        </button>
        <p class="hint">{t('signInHint')}</p>
        <button type="button" class="link" onClick={onLang}>
          {t('language')}
        </button>
      </form>
    </div>
  );
}
