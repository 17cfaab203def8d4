import type { AuthenticatorField } from "../../../../src/plugin-sdk/authenticator.js";
import type {
  ConsentPageModel,
  ErrorPageModel,
  FormPostModel,
  LoggedOutPageModel,
  LoginPageModel,
  LogoutConfirmPageModel,
  PluginPageModel,
  SelectAccountPageModel,
} from "../../../../src/transport/http/views/page-models.js";

/** Strings that break out of element content or attributes when not escaped. */
export const XSS_PAYLOADS = [
  `<script>alert(1)</script>`,
  `"><img src=x onerror=alert(1)>`,
  `'><svg onload=alert(1)>`,
  "`onmouseover=alert(1) x=",
] as const;

/** The password step's fields, as the password plugin declares them. */
export const PASSWORD_FIELDS: readonly AuthenticatorField[] = [
  { name: "username", label: "Username", type: "text", autocomplete: "username" },
  { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
];

/** The TOTP step's field. */
export const TOTP_FIELDS: readonly AuthenticatorField[] = [{ name: "code", label: "Code", type: "one-time-code", autocomplete: "one-time-code" }];

/** Every page model with `text` in every free-text string (client name, hints, hidden values …). */
export function pageModels(text: string, action = "/submit") {
  const login: LoginPageModel = {
    locale: "en",
    action,
    csrf: text,
    clientName: text,
    factor: "first",
    authenticatorId: text,
    fields: [{ name: text, label: text, type: "text", autocomplete: text }, PASSWORD_FIELDS[1]!],
    loginHint: text,
    error: "invalid",
  };
  const consent: ConsentPageModel = {
    locale: "en",
    action,
    csrf: text,
    clientName: text,
    userName: text,
    clientUri: `https://rp.example/${text}`,
    policyUri: "javascript:alert(1)",
    tosUri: "http://rp.example/tos",
    scopes: [{ scope: "openid" }, { scope: text, description: text }, { scope: text }],
  };
  const selectAccount: SelectAccountPageModel = { locale: "en", action, csrf: text, clientName: text, accountName: text };
  const logoutConfirm: LogoutConfirmPageModel = { locale: "en", action, csrf: text, clientName: text, hidden: { state: text, [text]: text } };
  const loggedOut: LoggedOutPageModel = { locale: "en" };
  const error: ErrorPageModel = { locale: "en", error: text, description: text };
  const formPost: FormPostModel = { action: "https://rp.example/cb", params: { state: text, [text]: text } };
  const plugin: PluginPageModel = {
    locale: "en",
    title: text,
    lead: text,
    alert: text,
    form: { action, csrf: text, fields: [{ name: text, label: text, value: text, code: true }], submit: text },
  };
  return { login, consent, selectAccount, logoutConfirm, loggedOut, error, formPost, plugin };
}
