/**
 * A cookie-keeping HTTP user agent for protocol tests without a real browser: follows nothing by itself (tests look at
 * every 303), keeps cookies per name (path and expiry ignored: enough for one issuer), reads forms' hidden inputs.
 */
export class HttpBrowser {
  private readonly cookies = new Map<string, string>();

  /** `fetcher` carries the requests (global fetch; `tlsFetch` for a test CA). */
  constructor(private readonly fetcher: (url: string, init: RequestInit) => Promise<Response> = fetch) {}

  /** GET (or POST a form to) `url` with the cookies; records Set-Cookie. */
  async request(url: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await this.fetcher(url, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: { ...(cookie ? { cookie } : {}), ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...headers },
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, value] = [pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1)];
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /**
   * Follows 303s from `url` until a response leaves `issuer` or is not a redirect; on a login page it signs in with
   * `credentials`, on a consent page it answers `consent`. Returns the final URL (at the client) or the last page.
   */
  async authorize(url: string, issuer: string, options: { credentials?: { username: string; password: string }; consent?: "approve" | "deny" } = {}): Promise<{ location?: URL; page?: Response; html?: string }> {
    let response = await this.request(url);
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get("location");
      if (response.status === 303 && location) {
        if (!location.startsWith(issuer)) return { location: new URL(location) };
        response = await this.request(location);
        continue;
      }
      const html = await response.text();
      const form = formOf(html);
      if (form?.action.endsWith("/login") && options.credentials) {
        response = await this.request(form.action, { ...form.hidden, ...options.credentials });
        options = { ...options, credentials: undefined };
        continue;
      }
      if (form?.action.endsWith("/consent") && options.consent) {
        response = await this.request(form.action, { ...form.hidden, decision: options.consent });
        options = { ...options, consent: undefined };
        continue;
      }
      return { page: response, html };
    }
    throw new Error("too many redirects");
  }
}

/** The first form of a page: its action and hidden inputs (attribute values HTML-unescaped). */
export function formOf(html: string): { action: string; hidden: Record<string, string> } | undefined {
  const form = /<form[^>]*action="([^"]*)"/i.exec(html);
  if (!form) return undefined;
  const hidden: Record<string, string> = {};
  for (const input of html.matchAll(/<input[^>]*>/gi)) {
    const tag = input[0];
    if (!/type="hidden"/i.test(tag)) continue;
    const name = /name="([^"]*)"/i.exec(tag)?.[1];
    const value = /value="([^"]*)"/i.exec(tag)?.[1] ?? "";
    if (name) hidden[unescapeHtml(name)] = unescapeHtml(value);
  }
  return { action: unescapeHtml(form[1]!), hidden };
}

function unescapeHtml(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
