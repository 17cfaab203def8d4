/**
 * The absolute URL of a request as clients addressed it — the origin of `publicUrl` and the request-target's path and
 * query — for the DPoP `htu` check (RFC 9449 §4.3). The host always comes from `publicUrl`: a request-target such as
 * `//other.example/x` or an absolute-form `http://other.example/x` (RFC 9112 §3.2) cannot make a proof made for another
 * server match this one.
 */
export function requestUrl(publicUrl: string, target: string): string {
  const origin = new URL(publicUrl).origin;
  if (target.startsWith("/")) return new URL(`${origin}${target}`).href;
  if (!URL.canParse(target)) return `${origin}/`;
  const { pathname, search } = new URL(target);
  return new URL(`${origin}${pathname}${search}`).href;
}
