import { Gauge, type Registry } from "prom-client";

/** `portcullis_ephemeral_keys`: entries held by the in-process ephemeral store, read at each scrape (single node only; Redis has its own INFO). */
export function registerEphemeralKeysGauge(registry: Registry, store: { readonly size: number }): void {
  new Gauge({
    name: "portcullis_ephemeral_keys",
    help: "Entries held by the in-process ephemeral store (codes, PAR requests, replay caches, revocations, counters), expired ones not yet swept included.",
    registers: [registry],
    collect() {
      this.set(store.size);
    },
  });
}
