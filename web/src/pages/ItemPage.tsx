/**
 * One ledger entry: what was found and the evidence, the readings and daily volumes around it
 * against the permit's limits, who acts next and the forms of the steps the caller may take, and
 * the whole history with its files.
 */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { LedgerAction, LedgerItemDetail } from '../../../domain/ledger/index.ts';
import { addDays, DAY_MS, localDay, localDayStart } from '../../../platform/local-time.ts';
import { api, type LedgerItemReadings } from '../api.ts';
import { Loaded, useAsync } from '../components/async.tsx';
import { Flags, StatusBadge } from '../components/badges.tsx';
import { Fields } from '../components/Evidence.tsx';
import { type ChartSeries, TimeChart } from '../components/TimeChart.tsx';
import { TransitionForm } from '../components/TransitionForm.tsx';
import { formatInstant, inLanguage, t, tOf } from '../i18n.ts';
import { useRuleTitle } from '../rules.ts';

type Detail = LedgerItemDetail;
type Permit = Detail['permits'][number];

/** A day's noon in Beijing, in seconds: where its bar stands on a daily chart. */
const dayNoon = (day: string) => (localDayStart(day) + DAY_MS / 2) / 1000;

/** The permit in force on a day (the latest one starting on or before it). */
function permitOn(permits: Permit[], day: string): Permit | undefined {
  return permits.filter((p) => p.validFrom <= day && day <= p.validTo).at(-1);
}

/** Days before and after the entry's window that the daily chart shows, for context. */
const DAYS_BEFORE = 14;
const DAYS_AFTER = 7;

const localDayOf = (iso: string) => localDay(Date.parse(iso));

/**
 * The intake's daily volumes from two weeks before the entry's window to a week after it (its
 * year's accounts), against the daily limit of the permit in force each day; the entry's own
 * figures when the accounts cannot be had.
 */
async function daysAround(detail: Detail): Promise<Detail['figures']> {
  const first = addDays(localDayOf(detail.item.windowStart), -DAYS_BEFORE);
  const last = addDays(localDayOf(detail.item.windowEnd), DAYS_AFTER);
  if (!detail.intake) return detail.figures;
  const years = [...new Set([first.slice(0, 4), last.slice(0, 4)])];
  try {
    const accounts = await Promise.all(years.map((y) => api.intakeAccounts(detail.intake?.id ?? '', Number(y))));
    const days = accounts.flatMap((a) => a.days).filter((d) => d.day >= first && d.day <= last);
    return days.map((d) => ({ day: d.day, volumeM3: d.volumeM3, status: '', completeness: 0 }));
  } catch {
    return detail.figures;
  }
}

function DailyChart({ detail }: { detail: Detail }) {
  const [result] = useAsync(() => daysAround(detail), [detail.item.id, detail.item.updatedAt]);
  return <Loaded result={result}>{(days) => <DailyBars days={days} permits={detail.permits} />}</Loaded>;
}

function DailyBars({ days, permits }: { days: Detail['figures']; permits: Permit[] }) {
  if (days.length === 0) return null;
  const series: ChartSeries[] = [
    { label: t('dailyVolume'), values: days.map((d) => d.volumeM3), color: '#1f6feb', bars: true },
    {
      label: t('dailyLimit'),
      values: days.map((d) => permitOn(permits, d.day)?.dailyLimitM3 ?? null),
      color: '#d1242f',
      dashed: true,
    },
  ];
  return (
    <figure>
      <figcaption>{t('chartDaily')}</figcaption>
      <TimeChart times={days.map((d) => dayNoon(d.day))} series={series} unit="m³" days testId="chart-daily" />
    </figure>
  );
}

/** Flow and totalizer charts of each meter; the flow against the permit's maximum rate. */
function ReadingsCharts({ readings, permits }: { readings: LedgerItemReadings; permits: Permit[] }) {
  const meters = readings.meters.filter((m) => m.points.length > 0);
  if (meters.length === 0) return <p class="muted">{t('readingsNone')}</p>;
  // One time axis for every meter: the union of their instants, each meter null where it has none.
  const times = [...new Set(meters.flatMap((m) => m.points.map((p) => Date.parse(p.at) / 1000)))].sort((a, b) => a - b);
  const at = new Map(times.map((s, i) => [s, i]));
  const column = (
    pick: (p: LedgerItemReadings['meters'][number]['points'][number]) => number | null,
    points: LedgerItemReadings['meters'][number]['points'],
  ) => {
    const values: (number | null)[] = times.map(() => null);
    for (const p of points) values[at.get(Date.parse(p.at) / 1000) ?? 0] = pick(p);
    return values;
  };
  const palette = ['#1f6feb', '#8250df', '#1a7f37', '#bf8700'];
  const maxRate = permits.map((p) => p.maxRateM3h).find((r) => r !== null) ?? null;
  const flow: ChartSeries[] = meters.map((m, i) => ({
    label: `${t('flow')} ${m.meterId}`,
    values: column((p) => p.flowM3h, m.points),
    color: palette[i % palette.length] ?? '#1f6feb',
  }));
  if (maxRate !== null) flow.push({ label: t('maxRate'), values: times.map(() => maxRate), color: '#d1242f', dashed: true });
  const total: ChartSeries[] = meters.map((m, i) => ({
    label: m.meterId,
    values: column((p) => p.totalM3, m.points),
    color: palette[i % palette.length] ?? '#1f6feb',
  }));
  return (
    <>
      {readings.downsampled && <p class="muted">{t('downsampled')}</p>}
      <figure>
        <figcaption>{t('chartFlow')}</figcaption>
        <TimeChart times={times} series={flow} unit="m³/h" testId="chart-flow" />
      </figure>
      <figure>
        <figcaption>{t('chartTotal')}</figcaption>
        <TimeChart times={times} series={total} unit="m³" height={160} testId="chart-total" />
      </figure>
    </>
  );
}

function Readings({ id, permits }: { id: string; permits: Permit[] }) {
  const [readings, reload] = useAsync(() => api.itemReadings(id), [id]);
  return (
    <Loaded result={readings} reload={reload}>
      {(r) => <ReadingsCharts readings={r} permits={permits} />}
    </Loaded>
  );
}

function Facts({ detail }: { detail: Detail }) {
  const i = detail.item;
  const rows: [string, string | number | null][] = [
    [t('intake'), detail.intake ? `${detail.intake.code} ${detail.intake.name}` : i.subject],
    [t('county'), i.countyCode],
    [t('window'), `${formatInstant(i.windowStart)} — ${formatInstant(i.windowEnd)}`],
    [t('colRaised'), formatInstant(i.firstDetectedAt)],
    [t('detections'), i.detections],
    [t('measures'), i.measures],
    [t('responsibleUnit'), i.responsibleUnit],
    [t('responsiblePerson'), i.responsiblePerson],
    [t('deadline'), i.deadline],
    [t('rectificationEvidence'), i.rectificationEvidence],
    [t('reason'), i.dismissalReason],
  ];
  return (
    <dl class="facts">
      {rows
        .filter(([, v]) => v !== null && v !== '')
        .map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </Fragment>
        ))}
    </dl>
  );
}

function Permits({ permits }: { permits: Permit[] }) {
  if (permits.length === 0) return null;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t('permitNumber')}</th>
            <th>{t('validity')}</th>
            <th>{t('annualVolume')}</th>
            <th>{t('dailyLimit')}</th>
            <th>{t('maxRate')}</th>
          </tr>
        </thead>
        <tbody>
          {permits.map((p) => (
            <tr key={p.id}>
              <td>{p.permitNumber}</td>
              <td>
                {p.validFrom} — {p.validTo}
              </td>
              <td>{p.annualVolumeM3.toLocaleString()}</td>
              <td>{p.dailyLimitM3?.toLocaleString() ?? '—'}</td>
              <td>{p.maxRateM3h?.toLocaleString() ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function History({ events }: { events: Detail['events'] }) {
  return (
    <ol class="history" data-testid="history">
      {events.map((e) => (
        <li key={e.id} data-event={e.action}>
          <div>
            <strong>{tOf('event', e.action)}</strong>
            {e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus && (
              <span class="muted">
                {' '}
                {tOf('status', e.fromStatus)} → {tOf('status', e.toStatus)}
              </span>
            )}
          </div>
          <div class="muted">
            {formatInstant(e.at)} · {t('actor')} {e.actor}
          </div>
          {e.note && <p>{e.actor.startsWith('system:') ? inLanguage(e.note) : e.note}</p>}
          {/* A person's step carries its fields; the system's events repeat the evidence shown above. */}
          {e.actor.startsWith('system:') ? null : <Fields data={e.data} />}
          {e.attachments.length > 0 && (
            <ul class="files">
              {e.attachments.map((a) => (
                <li key={a.id}>
                  <a href={`/v1/ledger/attachments/${a.id}`} target="_blank" rel="noopener">
                    {a.filename}
                  </a>{' '}
                  <span class="muted">({Math.ceil(a.sizeBytes / 1024)} KB)</span>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}

function Actions({ detail, etag, onDone }: { detail: Detail; etag: string | null; onDone: (message: string) => void }) {
  const [open, setOpen] = useState<LedgerAction | null>(null);
  const i = detail.item;
  return (
    <section class="card next">
      <h2>{t('nextStep')}</h2>
      <p data-testid="next-step">{tOf('next', i.status)}</p>
      {detail.actions.length === 0 ? (
        <p class="muted">{t('noActions')}</p>
      ) : (
        <>
          <p>{t('yourActions')}:</p>
          <div class="buttons">
            {detail.actions.map((a) => (
              <button
                type="button"
                key={a}
                class={open === a ? 'primary' : ''}
                aria-expanded={open === a}
                onClick={() => {
                  setOpen(open === a ? null : a);
                }}
              >
                {tOf('action', a)}
              </button>
            ))}
          </div>
          {open && (
            <TransitionForm
              key={open}
              action={open}
              item={i}
              etag={etag}
              onDone={(m) => {
                setOpen(null);
                onDone(m);
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

export function ItemPage({ id }: { id: string }) {
  const [result, reload] = useAsync(() => api.item(id), [id]);
  const [message, setMessage] = useState<string | null>(null);
  const ruleTitle = useRuleTitle();
  return (
    <div class="item-page">
      <a href="#/" class="back">
        ← {t('back')}
      </a>
      <Loaded result={result} reload={reload}>
        {({ detail, etag }) => {
          const i = detail.item;
          return (
            <article>
              <header class="item-head">
                <h1>
                  <span class="muted">#{i.id}</span> {ruleTitle(i.rule)}
                </h1>
                <div>
                  <StatusBadge status={i.status} /> <Flags item={i} />
                  {i.kind === 'notice' && <span class="badge notice">{t('kindNotice')}</span>}
                </div>
                <p class="summary">{inLanguage(i.summary)}</p>
              </header>
              {message && (
                <p class="message" role="status">
                  {message}
                </p>
              )}
              <div class="item-grid">
                <div class="main-col">
                  <section class="card">
                    <h2>{t('evidence')}</h2>
                    <Facts detail={detail} />
                    <Fields data={i.evidence} />
                  </section>
                  <section class="card">
                    <DailyChart detail={detail} />
                    {detail.intake && <Readings id={i.id} permits={detail.permits} />}
                  </section>
                  <section class="card">
                    <h2>{t('permits')}</h2>
                    <Permits permits={detail.permits} />
                  </section>
                </div>
                <div class="side-col">
                  <Actions
                    detail={detail}
                    etag={etag}
                    onDone={(m) => {
                      setMessage(m);
                      reload();
                    }}
                  />
                  <section class="card">
                    <h2>{t('history')}</h2>
                    <History events={detail.events} />
                  </section>
                </div>
              </div>
            </article>
          );
        }}
      </Loaded>
    </div>
  );
}
