/** Injected time source so tests are deterministic. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Injected randomness for identifiers and secrets. */
export interface RandomSource {
  /** `bytes` random bytes, base64url-encoded. */
  token(bytes: number): string;
  /** A unique identifier (≥ 128 bits of randomness). */
  id(): string;
}
