/**
 * A finding's evidence (and a step's fields) as a reader takes them in: a list of like records
 * (days, runs) as a table, a record as its fields, instants and durations in words. The rules
 * give times twice, as epoch milliseconds (`fromMs`) beside the local text (`from`): the page
 * shows the text.
 */
import { Fragment } from 'preact';
import { formatInstant } from '../i18n.ts';

type Row = Record<string, unknown>;
const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Epoch milliseconds after 2001: an instant; smaller: a duration. */
const EPOCH_2001_MS = 978_307_200_000;

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** The keys worth showing: `xMs` only where no `x` says it in words. */
function shownKeys(keys: string[]): string[] {
  return keys.filter((k) => !(k.endsWith('Ms') && keys.includes(k.slice(0, -2))));
}

function Scalar({ name, value }: { name: string; value: unknown }) {
  if (value === null || value === undefined) return <>—</>;
  if (typeof value === 'number') {
    if (name.endsWith('Ms')) return <>{value > EPOCH_2001_MS ? formatInstant(new Date(value).toISOString()) : duration(value)}</>;
    return <>{value.toLocaleString()}</>;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return <>{String(value)}</>;
  if (Array.isArray(value))
    return value.every((v) => typeof v === 'string' || typeof v === 'number') ? <>{value.join(', ')}</> : <>({value.length})</>;
  return <code>{JSON.stringify(value)}</code>;
}

function Value({ name, value }: { name: string; value: unknown }) {
  if (Array.isArray(value) && value.length > 0 && value.every(isRow)) {
    const keys = shownKeys([...new Set(value.flatMap((r) => Object.keys(r)))]);
    return (
      <div class="table-wrap">
        <table class="compact">
          <thead>
            <tr>
              {keys.map((k) => (
                <th key={k}>{k}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {value.map((r, i) => (
              <tr key={i}>
                {keys.map((k) => (
                  <td key={k}>
                    <Scalar name={k} value={r[k]} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  if (isRow(value))
    return (
      <>
        {shownKeys(Object.keys(value)).map((k) => (
          <span key={k} class="pair">
            <span class="muted">{k}</span> <Scalar name={k} value={value[k]} />
          </span>
        ))}
      </>
    );
  return <Scalar name={name} value={value} />;
}

export function Fields({ data }: { data: unknown }) {
  if (!isRow(data)) return data === null || data === undefined ? null : <Value name="" value={data} />;
  const keys = shownKeys(Object.keys(data));
  if (keys.length === 0) return null;
  return (
    <dl class="fields">
      {keys.map((k) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>
            <Value name={k} value={data[k]} />
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}
