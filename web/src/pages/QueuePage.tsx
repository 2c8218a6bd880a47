/**
 * The queue: the ledger entries the caller may see, with the ledger's filters (kept in the URL, so
 * a filtered queue can be linked), counts per state, and the overdue and escalated entries first.
 */
import { useState } from 'preact/hooks';
import type { LedgerListItem } from '../../../domain/ledger/index.ts';
import { api, type LedgerCounts } from '../api.ts';
import { Loaded, useAsync } from '../components/async.tsx';
import { Flags, StatusBadge } from '../components/badges.tsx';
import { formatInstant, inLanguage, t, tOf } from '../i18n.ts';
import { go } from '../router.ts';
import { useRuleTitle } from '../rules.ts';
import { RulesContext } from '../rules.ts';
import { useContext } from 'preact/hooks';

const STATUSES = ['raised', 'confirmed', 'rectifying', 'rectified', 'closed', 'dismissed', 'resolved'] as const;
const FILTER_KEYS = ['status', 'rule', 'kind', 'division', 'q', 'overdue', 'escalated', 'intakeId'] as const;
type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

function filtersOf(params: URLSearchParams): Filters {
  const f: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  return f;
}

function setFilters(f: Filters): void {
  const q = new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => Boolean(e[1])));
  go(`#/?${q.toString()}`);
}

function Counts({ filters }: { filters: Filters }) {
  // The counts cover every status: the status filter picks a chip, it does not hide the others.
  const rest = { ...filters, status: undefined };
  const [counts] = useAsync<LedgerCounts>(() => api.ledgerCounts(rest), [JSON.stringify(rest)]);
  const chip = (label: string, n: number, active: boolean, onClick: () => void, cls = '') => (
    <button type="button" class={`chip ${cls} ${active ? 'active' : ''}`} onClick={onClick} aria-pressed={active}>
      <span>{label}</span>
      <strong>{n}</strong>
    </button>
  );
  /** A chip that switches a yes/no filter on and off, the others kept. */
  const flag = (key: 'overdue' | 'escalated', n: number, cls: string) => {
    const on = filters[key] === 'true';
    return chip(
      t(key),
      n,
      on,
      () => {
        setFilters({ ...filters, [key]: on ? undefined : 'true' });
      },
      cls,
    );
  };
  return (
    <section class="counts" aria-label={t('countsTitle')}>
      <Loaded result={counts}>
        {(c) => (
          <>
            {chip(t('all'), c.total, !filters.status, () => {
              setFilters(rest);
            })}
            {STATUSES.map((s) =>
              chip(tOf('status', s), c.byStatus[s], filters.status === s, () => {
                setFilters({ ...rest, status: s });
              }),
            )}
            {flag('overdue', c.overdue, 'warn')}
            {flag('escalated', c.escalated, 'danger')}
          </>
        )}
      </Loaded>
    </section>
  );
}

function FilterForm({ filters }: { filters: Filters }) {
  const rules = useContext(RulesContext);
  const ruleTitle = useRuleTitle();
  const apply = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const next: Filters = {};
    for (const k of FILTER_KEYS) {
      const v = form.get(k);
      if (typeof v === 'string' && v.trim() !== '') next[k] = v.trim();
    }
    setFilters(next);
  };
  return (
    <form class="filters" onSubmit={apply} aria-label={t('filters')} key={JSON.stringify(filters)}>
      <label>
        {t('filterSearch')}
        <input name="q" type="search" value={filters.q ?? ''} maxLength={100} />
      </label>
      <label>
        {t('filterStatus')}
        <select name="status" value={filters.status ?? ''}>
          <option value="">{t('all')}</option>
          {STATUSES.map((s) => (
            <option value={s}>{tOf('status', s)}</option>
          ))}
        </select>
      </label>
      <label>
        {t('filterRule')}
        <select name="rule" value={filters.rule ?? ''}>
          <option value="">{t('all')}</option>
          {rules.map((r) => (
            <option value={r.id}>{ruleTitle(r.id)}</option>
          ))}
        </select>
      </label>
      <label>
        {t('filterKind')}
        <select name="kind" value={filters.kind ?? ''}>
          <option value="">{t('all')}</option>
          <option value="item">{t('kindItem')}</option>
          <option value="notice">{t('kindNotice')}</option>
        </select>
      </label>
      <label>
        {t('filterDivision')}
        <input name="division" value={filters.division ?? ''} inputMode="numeric" pattern="[0-9]{6}" maxLength={6} size={7} />
      </label>
      <label class="check">
        <input name="overdue" type="checkbox" value="true" checked={filters.overdue === 'true'} />
        {t('filterOverdue')}
      </label>
      <label class="check">
        <input name="escalated" type="checkbox" value="true" checked={filters.escalated === 'true'} />
        {t('filterEscalated')}
      </label>
      {filters.intakeId && <input type="hidden" name="intakeId" value={filters.intakeId} />}
      <div class="buttons">
        <button type="submit" class="primary">
          {t('filters')}
        </button>
        <button
          type="button"
          onClick={() => {
            setFilters({});
          }}
        >
          {t('clear')}
        </button>
      </div>
    </form>
  );
}

/** One list of entries with its own "load more" (keyset paging on the API's cursor). */
function EntryList({ title, filters }: { title: string | null; filters: Filters & { overdue?: string; escalated?: string } }) {
  const key = JSON.stringify(filters);
  const [more, setMore] = useState<{ key: string; items: LedgerListItem[]; cursor: string | null } | null>(null);
  const [first] = useAsync(() => api.ledger({ ...filters, limit: 50 }), [key]);
  const ruleTitle = useRuleTitle();
  return (
    <Loaded result={first}>
      {(page) => {
        const extra = more?.key === key ? more : null;
        const items = [...page.items, ...(extra?.items ?? [])];
        const cursor = extra ? extra.cursor : page.nextCursor;
        if (title !== null && items.length === 0) return null;
        const loadMore = async () => {
          if (!cursor) return;
          const next = await api.ledger({ ...filters, limit: 50, cursor });
          setMore({ key, items: [...(extra?.items ?? []), ...next.items], cursor: next.nextCursor });
        };
        return (
          <section class="entries">
            {title !== null && <h2>{title}</h2>}
            {items.length === 0 ? (
              <p class="empty">{t('emptyQueue')}</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>{t('colId')}</th>
                      <th>{t('colStatus')}</th>
                      <th>{t('colRule')}</th>
                      <th>{t('colIntake')}</th>
                      <th class="wide">{t('colSummary')}</th>
                      <th>{t('colRaised')}</th>
                      <th>{t('colDeadline')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((i) => (
                      <tr key={i.id} class={i.overdue ? 'overdue' : ''} data-rule={i.rule}>
                        <td>
                          <a href={`#/items/${i.id}`}>{i.id}</a>
                        </td>
                        <td>
                          <StatusBadge status={i.status} /> <Flags item={i} />
                        </td>
                        <td>
                          {ruleTitle(i.rule)}
                          {i.kind === 'notice' && <span class="badge notice">{t('kindNotice')}</span>}
                        </td>
                        <td>
                          {i.intake ? (
                            <>
                              {i.intake.code}
                              <div class="muted">{i.intake.name}</div>
                            </>
                          ) : (
                            i.subject
                          )}
                          <div class="muted">
                            {i.intake && i.subject !== i.intake.code && `${i.subject} · `}
                            {i.countyCode}
                          </div>
                        </td>
                        <td class="wide">
                          <a href={`#/items/${i.id}`}>{inLanguage(i.summary)}</a>
                        </td>
                        <td>{formatInstant(i.firstDetectedAt)}</td>
                        <td>{i.deadline ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {cursor && (
              <button type="button" onClick={() => void loadMore()}>
                {t('more')}
              </button>
            )}
          </section>
        );
      }}
    </Loaded>
  );
}

export function QueuePage({ params }: { params: URLSearchParams }) {
  const filters = filtersOf(params);
  const split = filters.overdue === undefined && filters.escalated === undefined;
  return (
    <div class="queue">
      <Counts filters={filters} />
      <FilterForm filters={filters} />
      {split ? (
        <>
          <div class="urgent">
            <EntryList title={`${t('urgent')} · ${t('escalated')}`} filters={{ ...filters, escalated: 'true' }} />
            <EntryList title={`${t('urgent')} · ${t('overdue')}`} filters={{ ...filters, overdue: 'true', escalated: 'false' }} />
          </div>
          <EntryList title={null} filters={{ ...filters, overdue: 'false', escalated: 'false' }} />
        </>
      ) : (
        <EntryList title={null} filters={filters} />
      )}
    </div>
  );
}
