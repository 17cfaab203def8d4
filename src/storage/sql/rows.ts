/** A stored row before mapping: every column may be NULL. */
export type Nullable<T> = { [K in keyof T]-?: T[K] | null | undefined };

/** Drops NULL columns so optional properties are absent rather than null (the ports' shapes). */
export function withoutNulls<T extends object>(row: Nullable<T>): T {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null && value !== undefined)) as T;
}

/** NULL for an absent optional value (what knex writes). */
export function orNull<T>(value: T | undefined): T | null {
  return value ?? null;
}
