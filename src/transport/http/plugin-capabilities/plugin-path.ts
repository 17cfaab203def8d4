/** A path below the issuer that a plugin may send the browser to: "/" then unreserved characters (RFC 3986 §2.3) and "/". */
const PLUGIN_PATH = /^\/(?!\/)[A-Za-z0-9._~\/-]*$/;

/** `path` when it is a plain path below the issuer (no scheme, host, query, fragment or dot segment); throws otherwise (a plugin bug). */
export function pluginPath(path: string): string {
  if (!PLUGIN_PATH.test(path) || path.split("/").some((segment) => segment === "." || segment === "..")) {
    throw new Error(`a plugin page path must be a plain path below the issuer, got "${path}"`);
  }
  return path;
}
