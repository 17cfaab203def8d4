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
