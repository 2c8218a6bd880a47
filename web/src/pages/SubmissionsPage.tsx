/**
 * Level-by-level submissions (docs/submissions.md): what the caller's division owes this period,
 * with its deadline and state, and what the divisions below sent for the caller's level to review.
 */
import { useState } from 'preact/hooks';
import type { SubmissionKind, SubmissionState } from '../../../domain/submissions/index.ts';
import { addMonths, localDay } from '../../../platform/local-time.ts';
import { api, type Me } from '../api.ts';
import { Alert, Loaded, useAsync } from '../components/async.tsx';
import { formatInstant, t, tOf } from '../i18n.ts';

/** The period each kind is being gathered for now: last month's report, this year's tables. */
function currentPeriods(now = Date.now()): { kind: SubmissionKind; period: string }[] {
  const today = localDay(now);
  const year = today.slice(0, 4);
  const lastMonth = addMonths(today, -1).slice(0, 7);
  return [
    { kind: 'monthly', period: lastMonth },
    { kind: 'ledger', period: year },
    { kind: 'registration', period: year },
  ];
}

const SUBMITTABLE = new Set(['missing', 'not_yet_due']);

function Owed({ me }: { me: Me }) {
  const periods = currentPeriods();
  const [result, reload] = useAsync(
    () => Promise.all(periods.map(async (p) => ({ ...p, states: (await api.submissionStates(p.kind, p.period)).items }))),
    [],
  );
  const [error, setError] = useState<string | null>(null);
  const submit = async (kind: SubmissionKind, period: string) => {
    setError(null);
    try {
      await api.submit(kind, period);
      reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const canSubmit = (s: SubmissionState) =>
    me.role !== 'auditor' && s.divisionCode === me.divisionCode && (SUBMITTABLE.has(s.state) || s.status === 'returned');
  return (
    <section class="card">
      <h2>{t('toMake')}</h2>
      <Alert message={error} />
      <Loaded result={result} reload={reload}>
        {(rows) => (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t('submissionKind')}</th>
                  <th>{t('period')}</th>
                  <th>{t('division')}</th>
                  <th>{t('dueOn')}</th>
                  <th>{t('state')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rows.flatMap(({ kind, period, states }) =>
                  states.map((s) => (
                    <tr
                      key={`${kind}-${s.divisionCode}`}
                      class={s.state === 'missing' || s.state === 'late' ? 'overdue' : ''}
                      data-kind={kind}
                      data-division={s.divisionCode}
                      data-state={s.state}
                    >
                      <td>{tOf('kind', kind)}</td>
                      <td>{period}</td>
                      <td>
                        {s.name} <span class="muted">{s.divisionCode}</span>
                      </td>
                      <td>{s.dueOn}</td>
                      <td>
                        {tOf('state', s.state)}
                        {s.status && <span class="muted"> · {tOf('subStatus', s.status)}</span>}
                      </td>
                      <td>
                        {canSubmit(s) && (
                          <button type="button" class="primary" onClick={() => void submit(kind, period)}>
                            {t('submitNow')}
                          </button>
                        )}
                      </td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </section>
  );
}

function ToReview({ me }: { me: Me }) {
  const [result, reload] = useAsync(() => api.submissions({ status: 'submitted' }), []);
  const [error, setError] = useState<string | null>(null);
  const review = async (id: string, decision: 'accept' | 'return') => {
    setError(null);
    const note = decision === 'return' ? (prompt(t('returnNote')) ?? '').trim() : undefined;
    if (decision === 'return' && !note) return;
    try {
      await api.review(id, decision, note);
      reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section class="card">
      <h2>{t('toReview')}</h2>
      <Alert message={error} />
      <Loaded result={result} reload={reload}>
        {({ items }) => {
          const mine = items.filter((s) => s.toDivisionCode === me.divisionCode);
          if (mine.length === 0) return <p class="muted">{t('nothingToReview')}</p>;
          return (
            <div class="table-wrap">
              <table>
                <tbody>
                  {mine.map((s) => (
                    <tr key={s.id} data-submission={s.id}>
                      <td>{tOf('kind', s.kind)}</td>
                      <td>{s.period}</td>
                      <td>{s.divisionCode}</td>
                      <td>
                        {t('submittedBy')} {s.submittedBy} · {formatInstant(s.submittedAt)}
                        {s.late && <span class="badge flag-overdue">{t('late')}</span>}
                      </td>
                      <td>
                        {t('dueOn')} {s.dueOn}
                      </td>
                      <td class="buttons">
                        {me.role !== 'auditor' && (
                          <>
                            <button type="button" class="primary" onClick={() => void review(s.id, 'accept')}>
                              {t('accept')}
                            </button>
                            <button type="button" onClick={() => void review(s.id, 'return')}>
                              {t('returnIt')}
                            </button>
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </Loaded>
    </section>
  );
}

export function SubmissionsPage({ me }: { me: Me }) {
  return (
    <div class="submissions">
      <h1>{t('submissionsTitle')}</h1>
      <Owed me={me} />
      <ToReview me={me} />
    </div>
  );
}
