/**
 * The form of one lifecycle step (docs/ledger.md, "Allowed transitions"), sent as multipart with
 * its files, the status the caller saw and the detail's ETag: if someone acted meanwhile the API
 * answers 409 and the page reloads the entry instead of overwriting their step.
 */
import { useState } from 'preact/hooks';
import type { LedgerAction, LedgerItem } from '../../../domain/ledger/index.ts';
import { api, ApiError } from '../api.ts';
import { t, tOf, type WordKey } from '../i18n.ts';
import { Alert } from './async.tsx';

interface Field {
  name: string;
  label: WordKey;
  kind: 'text' | 'area' | 'date';
  required?: boolean;
}

const note: Field = { name: 'note', label: 'note', kind: 'area' };
const FIELDS: Record<LedgerAction, { fields: Field[]; files: boolean }> = {
  confirm: { fields: [note], files: false },
  dismiss: { fields: [{ name: 'reason', label: 'reason', kind: 'area', required: true }, note], files: false },
  startRectifying: {
    fields: [
      { name: 'measures', label: 'measures', kind: 'area', required: true },
      { name: 'responsibleUnit', label: 'responsibleUnit', kind: 'text', required: true },
      { name: 'responsiblePerson', label: 'responsiblePerson', kind: 'text', required: true },
      { name: 'deadline', label: 'deadline', kind: 'date', required: true },
      note,
    ],
    files: true,
  },
  markRectified: { fields: [{ name: 'evidence', label: 'rectificationEvidence', kind: 'area', required: true }, note], files: true },
  close: { fields: [note], files: true },
  reopen: { fields: [{ ...note, required: true }], files: false },
};

export interface TransitionFormProps {
  action: LedgerAction;
  item: LedgerItem;
  etag: string | null;
  /** After the step was taken, or when the entry changed meanwhile: reload it. */
  onDone: (message: string) => void;
}

export function TransitionForm({ action, item, etag, onDone }: TransitionFormProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const spec = FIELDS[action];
  const submit = async (e: Event) => {
    e.preventDefault();
    const source = new FormData(e.currentTarget as HTMLFormElement);
    const form = new FormData();
    form.set('action', action);
    form.set('expectedStatus', item.status);
    for (const f of spec.fields) {
      const v = source.get(f.name);
      if (typeof v === 'string' && v.trim() !== '') form.set(f.name, v.trim());
    }
    for (const file of source.getAll('attachments')) if (file instanceof File && file.size > 0) form.append('attachments', file);
    setBusy(true);
    setError(null);
    try {
      await api.transition(item.id, form, etag);
      onDone(`${t('done')}: ${tOf('action', action)}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) onDone(t('conflict'));
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="transition card" onSubmit={(e) => void submit(e)} data-action={action}>
      <h3>{tOf('action', action)}</h3>
      {spec.fields.map((f) => (
        <label key={f.name}>
          {t(f.label)}
          {f.required && <span class="required">*</span>}
          {f.kind === 'area' ? (
            <textarea name={f.name} required={f.required} maxLength={4000} rows={3} />
          ) : (
            <input name={f.name} type={f.kind} required={f.required} maxLength={200} />
          )}
        </label>
      ))}
      {spec.files && (
        <label>
          {t('files')}
          <input name="attachments" type="file" multiple accept="image/jpeg,image/png,application/pdf" />
        </label>
      )}
      <Alert message={error} />
      <button type="submit" class="primary" disabled={busy}>
        {t('submit')}
      </button>
    </form>
  );
}
