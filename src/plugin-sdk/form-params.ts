import { OAuthErrors } from "./errors.js";

/** A parsed application/x-www-form-urlencoded body or query (RFC 6749 §3.2); keeps repeated names. */
export class FormParams {
  private readonly values: Map<string, string[]>;

  constructor(entries: Iterable<readonly [string, string]> = []) {
    this.values = new Map();
    for (const [name, value] of entries) this.append(name, value);
  }

  static from(record: Record<string, string | readonly string[] | undefined>): FormParams {
    const params = new FormParams();
    for (const [name, value] of Object.entries(record)) {
      if (value === undefined) continue;
      for (const v of typeof value === "string" ? [value] : value) params.append(name, v);
    }
    return params;
  }

  append(name: string, value: string): void {
    const list = this.values.get(name);
    if (list) list.push(value);
    else this.values.set(name, [value]);
  }

  /** The single value of `name`; an empty string counts as absent (RFC 6749 §3.1). */
  get(name: string): string | undefined {
    const value = this.values.get(name)?.[0];
    return value === "" ? undefined : value;
  }

  getAll(name: string): string[] {
    return this.values.get(name)?.filter((v) => v !== "") ?? [];
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  count(name: string): number {
    return this.values.get(name)?.length ?? 0;
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  /**
   * The one duplicate-parameter check of every endpoint (RFC 6749 §3.1: parameters MUST NOT be included more than
   * once): throws invalid_request naming the first name sent more than once, among `only` (default: every name) and
   * except `repeatable` (e.g. `resource`, RFC 8707 §2).
   */
  rejectRepeated(options: { only?: Iterable<string>; repeatable?: Iterable<string> } = {}): void {
    const repeatable = new Set(options.repeatable ?? []);
    for (const name of options.only ?? this.values.keys()) {
      if (!repeatable.has(name) && this.count(name) > 1) throw OAuthErrors.invalidRequest(`parameter "${name}" must not be repeated`);
    }
  }

  /** A copy holding only the allowed names. */
  pick(allowed: ReadonlySet<string>): FormParams {
    const out = new FormParams();
    for (const [name, list] of this.values) if (allowed.has(name)) for (const v of list) out.append(name, v);
    return out;
  }
}
