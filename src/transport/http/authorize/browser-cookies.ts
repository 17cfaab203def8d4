import type { Config } from "../../../config/config.js";
import { serializeCookie, SESSION_COOKIE } from "../cookies.js";

/** Binds an interaction to the browser that started it (OIDC Core §3.1.2.3; RFC 9700 §4.7 CSRF). */
export const INTERACTION_COOKIE = "portcullis_interaction";
/** Binds the result of a plugin's browser sign-in to the browser it is returned to (BrowserSignIn capability). */
export const RESULT_COOKIE = "portcullis_result";
/** The anti-CSRF token of plugin page forms, echoed by a hidden field (double submit; RFC 9700 §4.7). */
export const FORM_COOKIE = "portcullis_form";

/** Cookie attributes of this issuer: Secure when it is https, paths under its base path, HttpOnly, SameSite=Lax. */
export class BrowserCookies {
  private readonly secure: boolean;
  private readonly basePath: string;

  constructor(config: Pick<Config, "issuer">) {
    const issuer = new URL(config.issuer);
    this.secure = issuer.protocol === "https:";
    this.basePath = issuer.pathname.replace(/\/$/, "");
  }

  /** The SSO session cookie (Max-Age = the session's remaining lifetime). */
  session(value: string, maxAgeSeconds: number): string {
    return this.cookie(SESSION_COOKIE, value, this.basePath || "/", maxAgeSeconds);
  }

  clearSession(): string {
    return this.cookie(SESSION_COOKIE, "", this.basePath || "/", 0);
  }

  /** The interaction cookie, sent only to the interaction pages. */
  interaction(id: string, maxAgeSeconds: number): string {
    return this.cookie(INTERACTION_COOKIE, id, `${this.basePath}/interaction`, maxAgeSeconds);
  }

  clearInteraction(): string {
    return this.cookie(INTERACTION_COOKIE, "", `${this.basePath}/interaction`, 0);
  }

  /** The reference of a browser sign-in's result, sent only to the plugin page it returns to. */
  result(reference: string, returnPath: string, maxAgeSeconds: number): string {
    return this.cookie(RESULT_COOKIE, reference, this.basePath + returnPath, maxAgeSeconds);
  }

  /** The anti-CSRF token of a plugin form, sent only to the path the form posts to. */
  form(token: string, actionPath: string, maxAgeSeconds: number): string {
    return this.cookie(FORM_COOKIE, token, this.basePath + actionPath, maxAgeSeconds);
  }

  private cookie(name: string, value: string, path: string, maxAgeSeconds: number): string {
    return serializeCookie(name, value, { maxAgeSeconds, path, secure: this.secure, httpOnly: true, sameSite: "Lax" });
  }
}
