/**
 * The map of the caller's division: each intake a dot coloured by its worst standing (overdue
 * items, open items, no online metering, in order). Base-map tiles come from the deployment's own
 * tile service (APP_TILE_URL); without one the dots are drawn on a plain background.
 */
import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import type { IntakeFeatureCollection } from '../../../domain/map/index.ts';
import { api, type PageConfig } from '../api.ts';
import { Loaded, useAsync } from '../components/async.tsx';
import { t, type WordKey } from '../i18n.ts';

type Feature = IntakeFeatureCollection['features'][number];

const STANDINGS: { key: string; label: WordKey; color: string; test: (f: Feature['properties']) => boolean }[] = [
  { key: 'overdue', label: 'legendOverdue', color: '#d1242f', test: (p) => p.overdueItems > 0 },
  { key: 'open', label: 'legendOpen', color: '#f08c00', test: (p) => p.openItems > 0 },
  { key: 'no-metering', label: 'legendNoMetering', color: '#6e7781', test: (p) => p.meteringStatus === 'none' },
  { key: 'ok', label: 'legendOk', color: '#1a7f37', test: () => true },
];

/** 0 for the worst standing; the last one always applies. */
const standingIndex = (p: Feature['properties']) => STANDINGS.findIndex((s) => s.test(p));
const standingOf = (p: Feature['properties']) => STANDINGS[standingIndex(p)];

/** Text for the popup, escaped: intake names come from imported spreadsheets. */
function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function popup(f: Feature): string {
  const p = f.properties;
  return (
    `<strong>${escape(p.code)}</strong><br>${escape(p.name)}<br>${escape(t('openItems'))}: ${p.openItems}` +
    (p.overdueItems > 0 ? ` (${escape(t('overdue'))}: ${p.overdueItems})` : '') +
    `<br><a href="#/?intakeId=${encodeURIComponent(f.id)}">${escape(t('viewItems'))}</a>`
  );
}

function IntakeMap({ data, config }: { data: IntakeFeatureCollection; config: PageConfig }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return undefined;
    // Zoom bounds of their own: without a tile layer Leaflet has none, and fitting a single point
    // would zoom without end.
    const map = L.map(box.current, { preferCanvas: true, attributionControl: true, minZoom: 3, maxZoom: 18 });
    if (config.tileUrl) L.tileLayer(config.tileUrl, { attribution: escape(config.tileAttribution), maxZoom: 18 }).addTo(map);
    const layer = L.featureGroup();
    // The worst drawn last, on top of the dots around it.
    for (const f of [...data.features].sort((a, b) => standingIndex(b.properties) - standingIndex(a.properties))) {
      const [lon, lat] = f.geometry.coordinates;
      const s = standingOf(f.properties);
      L.circleMarker([lat, lon], { radius: 6, color: '#fff', weight: 1, fillColor: s?.color, fillOpacity: 0.9 })
        .bindPopup(popup(f))
        .addTo(layer);
    }
    layer.addTo(map);
    if (data.features.length > 0) map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 12 });
    else map.setView([43.9, 125.3], 6); // Changchun: the province's seat
    return () => {
      map.remove();
    };
  }, [data, config]);
  return <div class={`map ${config.tileUrl ? '' : 'no-tiles'}`} ref={box} data-testid="map" />;
}

export function MapPage() {
  const [result, reload] = useAsync(async () => {
    const [data, config] = await Promise.all([api.map(), api.pageConfig()]);
    return { data, config };
  }, []);
  return (
    <div class="map-page">
      <h1>{t('mapTitle')}</h1>
      <Loaded result={result} reload={reload}>
        {({ data, config }) => (
          <>
            <div class="legend">
              {STANDINGS.map((s) => (
                <span key={s.key}>
                  <i style={{ background: s.color }} /> {t(s.label)} ({data.features.filter((f) => standingOf(f.properties) === s).length})
                </span>
              ))}
              <span class="muted">
                {data.features.length} {t('intakesShown')}
              </span>
            </div>
            {!config.tileUrl && <p class="muted">{t('mapNoTiles')}</p>}
            <IntakeMap data={data} config={config} />
          </>
        )}
      </Loaded>
    </div>
  );
}
