import type { RandomSource } from "../ports/clock.js";
import type { DurableStorage } from "../ports/repositories.js";

/**
 * A random secret every node shares (DESIGN "Scale-out: nodes are stateless"): created once in `serverSecrets` with a
 * race-safe `getOrCreate`, read once per process; a failed read is retried on the next call.
 */
export class SharedSecret {
  #value: Promise<string> | undefined;

  constructor(
    private readonly storage: Pick<DurableStorage, "serverSecrets">,
    private readonly random: RandomSource,
    private readonly name: string,
  ) {}

  /** The secret (256 random bits, base64url). */
  value(): Promise<string> {
    this.#value ??= this.storage.serverSecrets.getOrCreate(this.name, this.random.token(32)).catch((error: unknown) => {
      this.#value = undefined;
      throw error;
    });
    return this.#value;
  }
}
