import type { AuthenticatorField } from "../../../plugin-sdk/authenticator.js";

/** Shared by every page: language (from ui_locales) and the anti-CSRF token echoed by forms. */
export interface PageBase {
  /** A BCP 47 tag the views support ("en", "de"); the first supported one of ui_locales, else "en". */
  locale: string;
}

/** The sign-in form of one login step (first factor, or a second factor like TOTP). */
export interface LoginPageModel extends PageBase {
  /** Where the form posts (same origin). */
  action: string;
  csrf: string;
  clientName: string;
  /** "first" shows a username + password style step; "second" shows "Enter the code from your app" style copy. */
  factor: "first" | "second";
  /** Hidden input naming the step (authenticator id). */
  authenticatorId: string;
  fields: readonly AuthenticatorField[];
  /** Prefill of the first text field (login_hint). */
  loginHint?: string;
  /** A user-facing message: "invalid" (wrong credentials) or "throttled" (too many attempts). */
  error?: "invalid" | "throttled";
}

/** One scope line on the consent page. */
export interface ScopeLine {
  scope: string;
  /** Human description; the page falls back to the scope name. */
  description?: string;
}

/** The consent page (OIDC Core §3.1.2.4): approve posts decision=approve, deny posts decision=deny. */
export interface ConsentPageModel extends PageBase {
  action: string;
  csrf: string;
  clientName: string;
  clientUri?: string;
  policyUri?: string;
  tosUri?: string;
  userName: string;
  scopes: readonly ScopeLine[];
}

/** Account selection (prompt=select_account): continue as the signed-in user (choice=current) or sign in as another (choice=other). */
export interface SelectAccountPageModel extends PageBase {
  action: string;
  csrf: string;
  clientName: string;
  accountName: string;
}

/** RP-initiated logout confirmation: confirm posts logout=yes, cancel posts logout=no. */
export interface LogoutConfirmPageModel extends PageBase {
  action: string;
  csrf: string;
  /** The client that asked, when known from id_token_hint or client_id. */
  clientName?: string;
  /** Hidden inputs carried through the confirmation (state, post_logout_redirect_uri, client_id …). */
  hidden: Readonly<Record<string, string>>;
}

/** Shown after logout when there is nowhere (validated) to redirect to. */
export interface LoggedOutPageModel extends PageBase {}

/** Error page: used whenever the client or redirect_uri cannot be validated (never a redirect, RFC 6749 §4.1.2.1). */
export interface ErrorPageModel extends PageBase {
  /** The OAuth error code, e.g. invalid_request. */
  error: string;
  /** Client-safe description. */
  description?: string;
}

/** OAuth 2.0 Form Post Response Mode: an auto-submitting form to the client's redirect URI. */
export interface FormPostModel {
  /** The redirect URI (http or https). */
  action: string;
  /** Language of the fallback text; "en" when absent. */
  locale?: string;
  params: Readonly<Record<string, string>>;
}

/** A plugin's page (Pages capability), its texts already in `locale`. */
export interface PluginPageModel extends PageBase {
  title: string;
  lead?: string;
  alert?: string;
  form?: {
    /** Absolute URL of the plugin endpoint the form posts to (same origin). */
    action: string;
    csrf: string;
    fields: readonly { name: string; label: string; value?: string; code?: boolean }[];
    submit: string;
  };
}
