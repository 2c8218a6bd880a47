/** Loading what a page shows: the value, or a loading line, or the error with a retry button. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { t } from '../i18n.ts';

export type Async<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; error: Error };

/** Runs `load` when `deps` change; `reload` runs it again. A stale answer never replaces a newer one. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): [Async<T>, () => void] {
  const [result, setResult] = useState<Async<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => {
        if (current) setResult({ state: 'ready', value });
      },
      (error: unknown) => {
        if (current) setResult({ state: 'failed', error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => {
    setRound((r) => r + 1);
  }, []);
  return [result, reload];
}

/** A refusal or failure the user should read, or nothing. */
export function Alert({ message }: { message: string | null }) {
  return message ? (
    <p class="error" role="alert">
      {message}
    </p>
  ) : null;
}

export function ErrorLine({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <div class="error" role="alert">
      {notFound ? t('notFound') : `${t('error')}: ${error.message}`}
      {onRetry && !notFound && (
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

/** Renders `children(value)` once loaded. */
export function Loaded<T>({
  result,
  reload,
  children,
}: {
  result: Async<T>;
  reload?: () => void;
  children: (value: T) => ComponentChildren;
}) {
  if (result.state === 'loading') return <p class="loading">{t('loading')}</p>;
  if (result.state === 'failed') return <ErrorLine error={result.error} onRetry={reload} />;
  return <>{children(result.value)}</>;
}
