/** Objects core handed to plugins as facts (redeemed codes, refreshed grants, authentications); never exposed to plugins. */
const vouched = new WeakSet<object>();

/** Deep-freezes `value` and records it as core-issued: a plugin can pass it back, not forge or alter it (DESIGN "Grants decide; core mints"). */
export function vouch<T extends object>(value: T): T {
  deepFreeze(value);
  vouched.add(value);
  return value;
}

/** True only for the very object `vouch` returned. */
export function isVouched(value: unknown): boolean {
  return typeof value === "object" && value !== null && vouched.has(value);
}

function deepFreeze(value: object): void {
  for (const member of Object.values(value)) if (typeof member === "object" && member !== null && !Object.isFrozen(member)) deepFreeze(member);
  Object.freeze(value);
}
