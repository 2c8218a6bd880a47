/**
 * A set of (intake, local day) pairs, held by day then intake. Adding a pair that is already there
 * costs two map lookups and no allocation; a composite string key would be built for every
 * reading, and ingest adds one pair per reading.
 */
import type { IntakeDay } from './queues.ts';

export class IntakeDaySet {
  private readonly byDay = new Map<string, Set<string>>();

  add(intakeId: string, day: string): void {
    let intakes = this.byDay.get(day);
    if (intakes === undefined) {
      intakes = new Set();
      this.byDay.set(day, intakes);
    }
    intakes.add(intakeId);
  }

  /** The pairs, day by day. */
  *[Symbol.iterator](): Generator<IntakeDay> {
    for (const [day, intakes] of this.byDay) for (const intakeId of intakes) yield { intakeId, day };
  }

  get size(): number {
    let size = 0;
    for (const intakes of this.byDay.values()) size += intakes.size;
    return size;
  }
}
