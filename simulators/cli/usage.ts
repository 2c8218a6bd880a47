/** The CLI's help text, with the scenarios listed from the catalogue so that it never goes stale. */
import { SCENARIOS } from '../scenarios/catalogue.ts';

export function usage(): string {
  const scenarios = SCENARIOS.map((s) => {
    const params = s.params.map((p) => `\n      ${p.name}=...  ${p.description}`).join('');
    return `    ${s.name.padEnd(15)} ${s.summary}${params}`;
  }).join('\n');
  return `Meter fleet simulator: publishes meter readings over MQTT (meters/{meterId}/readings, QoS 1).

Usage: node simulators/main.ts (--meters N | --from-registry) [options]
       npm run simulate -- (--meters N | --from-registry) [options]

Fleet
  --meters N                 a generated fleet of N meters (plausible mix of water uses)
  --prefix TEXT              generated meter ids: TEXT00001 ... (default SIM-)
  --use USE                  generated meters all of this water use (agricultural, industrial, ...)
  --annual-volume M3         generated meters all with this permitted annual volume
  --from-registry            the registry's active online meters, with their intake's current permit (DATABASE_URL)
  --division CODE            with --from-registry: only intakes in this division (6 digits)

Time
  --from ISO --to ISO        the simulated window (offset required, or a date = local midnight)
  --days N                   N days (fractions allowed; default 1) ending now, or starting now with --clock realtime
  --history DAYS             with --clock realtime: also DAYS of history before now, kept by the
                             meters and forwarded at once in batches when they come online
  --interval SECONDS         reporting interval of every meter (default: each meter's own, 900 for generated)
  --seed N                   the same seed gives the same messages (default 1)

Scenarios
  --scenario name[:fraction][:key=value...][,name...]
                             mix scenarios into a fraction of the meters (default fraction 1: all);
                             e.g. over-permit:0.1:factor=1.5,offline-gap:0.05,malformed:0.02:rate=0.1
${scenarios}

Publishing (MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD)
  --clock accelerated|realtime   accelerated: as fast as acknowledged (default); realtime: at send times
  --rate N                   accelerated: at most N messages/s
  --speed X                  realtime: simulated seconds per wall-clock second (default 1; 60 = a minute a second)
  --connections N            shared connections (default 4); each meter stays on one
  --max-in-flight N          unacknowledged messages per connection (default 1000)
  --per-meter-connections    one connection per meter: client id = meter id, retained online/offline status
                             and last will on meters/{id}/status (small fleets)
  --meter-password TEXT      with --per-meter-connections: log in as the meter id with this password
  --dry-run                  print a summary and the first messages; publish nothing
  --show N                   messages printed by --dry-run (default 5)
  --quiet                    no progress lines
  -h, --help                 this text

Output: progress on stderr every 5 s; a JSON report on stdout at the end. Exit 0 when every message
was acknowledged, 1 when some failed, 64 on bad flags, 78 on bad configuration.
`;
}
