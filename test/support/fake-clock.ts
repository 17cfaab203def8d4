import type { Clock } from "../../src/core/ports/clock.js";

/** A clock tests move by hand (DESIGN "Conventions": time is injected). */
export class FakeClock implements Clock {
  constructor(private current = Date.UTC(2026, 10, 28, 12, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** Real time plus an offset tests move forward: for flows checked by client libraries against the real clock. */
export class ShiftedClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}
