/** A text in each language of core's pages (OIDC Core §3.1.2.1 ui_locales); core picks the browser's. */
export interface LocalizedText {
  readonly en: string;
  readonly de: string;
}

/** One text input of a plugin page's form. */
export interface PageField {
  readonly name: string;
  readonly label: LocalizedText;
  /** Prefilled value. */
  readonly value?: string;
  /** A code copied from another screen: monospace, upper case, no autocorrect or autofill. */
  readonly code?: boolean;
}

/** A form posting to one of the plugin's endpoints; core adds the anti-CSRF token. */
export interface PageForm {
  /** Path below the issuer the form posts to, e.g. "/device". */
  readonly action: string;
  readonly fields: readonly PageField[];
  readonly submit: LocalizedText;
}

/** A simple page of a plugin, rendered in core's layout: a heading, a lead paragraph, an alert, a form. */
export interface PluginPage {
  readonly title: LocalizedText;
  readonly lead?: LocalizedText;
  /** A message the user must notice (an error), announced by screen readers. */
  readonly alert?: LocalizedText;
  readonly form?: PageForm;
}

/** A form submission that carried the browser's anti-CSRF token (RFC 9700 §4.7). */
export interface FormSubmission {
  /** Stable for this browser while its token cookie lives (a digest, not the token): a key for per-browser throttling. */
  readonly browser: string;
}
