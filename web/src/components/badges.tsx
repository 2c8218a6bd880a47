/** The small labels of an entry: its status, and whether it is overdue or escalated. */
import type { LedgerItem } from '../../../domain/ledger/index.ts';
import { t, tOf } from '../i18n.ts';

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{tOf('status', status)}</span>;
}

export function Flags({ item }: { item: Pick<LedgerItem, 'overdue' | 'escalatedLevel'> }) {
  return (
    <>
      {item.overdue && <span class="badge flag-overdue">{t('overdue')}</span>}
      {item.escalatedLevel && (
        <span class="badge flag-escalated">
          {t('escalated')} · {item.escalatedLevel}
        </span>
      )}
    </>
  );
}
