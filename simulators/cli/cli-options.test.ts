import { describe, expect, it } from 'vitest';
import { generationOptions, parseCliOptions } from './cli-options.ts';
import { localDay, localDayStart } from '../../platform/local-time.ts';

const NOW = Date.parse('2026-06-10T12:00:00+08:00');
const parse = (...argv: string[]) => parseCliOptions(argv, NOW);

describe('parseCliOptions', () => {
  it('has defaults for everything but the fleet', () => {
    expect(parse('--meters', '10')).toEqual({
      fleet: { source: 'generated', count: 10, meterIdPrefix: 'SIM-' },
      fromMs: NOW - 86_400_000,
      toMs: NOW,
      intervalS: undefined,
      seed: 1,
      clock: { mode: 'accelerated' },
      scenarios: [],
      connections: 4,
      maxInFlight: 1000,
      perMeterConnections: false,
      meterPassword: undefined,
      dryRun: false,
      show: 5,
      quiet: false,
    });
  });

  it('reads a full command line', () => {
    const settings = parse(
      '--from-registry',
      '--division',
      '220100',
      '--from',
      '2026-06-01',
      '--to',
      '2026-06-02T06:00:00+08:00',
      '--interval',
      '60',
      '--seed',
      '9',
      '--clock',
      'realtime',
      '--speed',
      '60',
      '--scenario',
      'over-permit:0.2:factor=2,malformed:0.1',
      '--connections',
      '8',
      '--per-meter-connections',
      '--meter-password',
      'pw',
      '--dry-run',
      '--show',
      '0',
      '--quiet',
    );
    expect(settings).toMatchObject({
      fleet: { source: 'registry', divisionCode: '220100' },
      fromMs: Date.parse('2026-06-01T00:00:00+08:00'),
      toMs: Date.parse('2026-06-02T06:00:00+08:00'),
      intervalS: 60,
      seed: 9,
      clock: { mode: 'realtime', speed: 60 },
      connections: 8,
      perMeterConnections: true,
      meterPassword: 'pw',
      dryRun: true,
      show: 0,
      quiet: true,
    });
    expect(settings?.scenarios.map((s) => [s.use.name, s.fraction])).toEqual([
      ['over-permit', 0.2],
      ['malformed', 0.1],
    ]);
  });

  it('with --history, a realtime run begins in the past and its clock reads now at the start', () => {
    const settings = parse('--meters', '1', '--days', '1', '--history', '2', '--clock', 'realtime');
    expect(settings).toMatchObject({
      fromMs: localDayStart(localDay(NOW - 2 * 86_400_000)),
      toMs: NOW + 86_400_000,
      clock: { mode: 'realtime', speed: 1, startMs: NOW },
    });
    // The meters kept the history and forward it when they come online, now.
    if (!settings) throw new Error('no settings');
    expect(generationOptions(settings)).toEqual({ from: settings.fromMs, to: settings.toMs, seed: 1, catchUpAt: NOW });
    const live = parse('--meters', '1', '--days', '1', '--clock', 'realtime', '--interval', '60');
    if (!live) throw new Error('no settings');
    expect(generationOptions(live)).toEqual({ from: NOW, to: NOW + 86_400_000, seed: 1, intervalS: 60 });
    expect(() => parse('--meters', '1', '--history', '2')).toThrow(/--history is for --clock realtime/);
  });

  it('starts a realtime run now and ends an accelerated one now', () => {
    expect(parse('--meters', '1', '--days', '2', '--clock', 'realtime')).toMatchObject({ fromMs: NOW, toMs: NOW + 2 * 86_400_000 });
    expect(parse('--meters', '1', '--days', '0.5', '--rate', '100')).toMatchObject({
      fromMs: NOW - 43_200_000,
      toMs: NOW,
      clock: { mode: 'accelerated', ratePerS: 100 },
    });
  });

  it('returns nothing for --help', () => {
    expect(parse('--help')).toBeUndefined();
  });

  it.each([
    [[], /--meters N or --from-registry/],
    [['--meters', '5', '--from-registry'], /either --meters N or --from-registry/],
    [['--meters', '0'], /--meters must be a whole number/],
    [['--meters', '2.5'], /--meters must be a whole number/],
    [['--meters', '1', '--from', '2026-06-01'], /--from and --to together/],
    [['--meters', '1', '--from', '2026-06-02', '--to', '2026-06-01'], /after --from/],
    [['--meters', '1', '--from', '2026-06-01T00:00:00', '--to', '2026-06-02'], /with an offset/],
    [['--meters', '1', '--from', '2026-06-01', '--to', '2026-06-02', '--days', '1'], /not both/],
    [['--meters', '1', '--days=-1'], /--days must be a number > 0/],
    [['--meters', '1', '--days', '0'], /--days must be a number > 0/],
    [['--meters', '1', '--interval', '0'], /--interval/],
    [['--meters', '1', '--clock', 'fast'], /--clock must be accelerated or realtime/],
    [['--meters', '1', '--speed', '2'], /--speed is for --clock realtime/],
    [['--meters', '1', '--clock', 'realtime', '--rate', '5'], /--rate is for --clock accelerated/],
    [['--meters', '1', '--scenario', 'teleport'], /--scenario: unknown scenario/],
    [['--meters', '1', '--use', 'mining'], /--use must be one of/],
    [['--meters', '1', '--prefix', 'a b'], /--prefix/],
    [['--meters', '1', '--division', '220100'], /--division is for --from-registry/],
    [['--from-registry', '--use', 'domestic'], /--use is for a generated fleet/],
    [['--from-registry', '--division', '22'], /6-digit/],
    [['--meters', '1', '--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(...argv)).toThrow(message);
  });
});
