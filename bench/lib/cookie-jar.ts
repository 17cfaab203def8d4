import type { HttpAnswer } from "./code-flow.js";

/** The cookies a browser would hold for one server (names only: the bench ignores Path and Domain, it talks to one host). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Keeps every cookie the answer sets; one set empty or with Max-Age=0 is removed (RFC 6265 §5.3). */
  store(answer: HttpAnswer): void {
    for (const line of answer.headers["set-cookie"] ?? []) {
      const pair = line.split(";", 1)[0]!;
      const eq = pair.indexOf("=");
      const [name, value] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
      if (value === "" || /;\s*max-age=0\b/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** The Cookie header to send (RFC 6265 §5.4). */
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** Only the named cookies, as a Cookie header; throws when one is missing. */
  headerOf(names: readonly string[]): string {
    const missing = names.filter((name) => !this.#cookies.has(name));
    if (missing.length > 0) throw new Error(`no ${missing.join(", ")} cookie was set (have: ${[...this.#cookies.keys()].join(", ") || "none"})`);
    return names.map((name) => `${name}=${this.#cookies.get(name)}`).join("; ");
  }
}
