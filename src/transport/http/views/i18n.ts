/** Languages the pages are written in (OIDC Core §3.1.2.1 ui_locales). */
export type Locale = "en" | "de";

/** The first supported language of `uiLocales` (BCP 47 tags, matched by primary subtag), else English. */
export function pickLocale(uiLocales: readonly string[]): Locale {
  for (const tag of uiLocales) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (primary === "en" || primary === "de") return primary;
  }
  return "en";
}

const en = {
  brand: "Portcullis",
  signInTitle: "Sign in",
  signInLead: "to continue to",
  signInButton: "Sign in",
  secondFactorTitle: "Two-step verification",
  secondFactorLead: "Enter the code from your authenticator app to continue to",
  secondFactorButton: "Verify code",
  loginInvalid: "The details you entered are incorrect. Please check them and try again.",
  loginThrottled: "Too many attempts. Please wait a moment and try again.",
  consentTitle: "Allow access?",
  consentLead: "wants to access your account",
  signedInAs: "Signed in as",
  consentScopes: "This will allow the application to:",
  clientHomepage: "Website",
  clientPolicy: "Privacy policy",
  clientTerms: "Terms of service",
  approveButton: "Allow access",
  denyButton: "Deny access",
  selectTitle: "Choose an account",
  selectLead: "to continue to",
  continueAs: "Continue as",
  useOther: "Use another account",
  logoutTitle: "Sign out?",
  logoutLeadClient: "asks you to sign out of your account.",
  logoutLead: "Do you want to sign out of your account?",
  logoutYes: "Sign out",
  logoutNo: "Stay signed in",
  loggedOutTitle: "You are signed out",
  loggedOutLead: "You can close this window now.",
  errorTitle: "Something went wrong",
  errorLead: "The request could not be completed. Go back to the application and try again.",
  errorCode: "Error code",
  formPostTitle: "Continuing…",
  formPostLead: "Returning you to the application.",
  formPostButton: "Continue to the application",
};

/** Every string a page shows, per language. */
export type Messages = typeof en;

const de: Messages = {
  brand: "Portcullis",
  signInTitle: "Anmelden",
  signInLead: "um fortzufahren zu",
  signInButton: "Anmelden",
  secondFactorTitle: "Bestätigung in zwei Schritten",
  secondFactorLead: "Geben Sie den Code aus Ihrer Authenticator-App ein, um fortzufahren zu",
  secondFactorButton: "Code bestätigen",
  loginInvalid: "Die eingegebenen Daten sind nicht korrekt. Bitte prüfen Sie sie und versuchen Sie es erneut.",
  loginThrottled: "Zu viele Versuche. Bitte warten Sie einen Moment und versuchen Sie es erneut.",
  consentTitle: "Zugriff erlauben?",
  consentLead: "möchte auf Ihr Konto zugreifen",
  signedInAs: "Angemeldet als",
  consentScopes: "Die Anwendung erhält damit folgende Rechte:",
  clientHomepage: "Website",
  clientPolicy: "Datenschutzerklärung",
  clientTerms: "Nutzungsbedingungen",
  approveButton: "Zugriff erlauben",
  denyButton: "Zugriff verweigern",
  selectTitle: "Konto auswählen",
  selectLead: "um fortzufahren zu",
  continueAs: "Weiter als",
  useOther: "Anderes Konto verwenden",
  logoutTitle: "Abmelden?",
  logoutLeadClient: "bittet Sie, sich von Ihrem Konto abzumelden.",
  logoutLead: "Möchten Sie sich von Ihrem Konto abmelden?",
  logoutYes: "Abmelden",
  logoutNo: "Angemeldet bleiben",
  loggedOutTitle: "Sie sind abgemeldet",
  loggedOutLead: "Sie können dieses Fenster jetzt schließen.",
  errorTitle: "Etwas ist schiefgelaufen",
  errorLead: "Die Anfrage konnte nicht abgeschlossen werden. Kehren Sie zur Anwendung zurück und versuchen Sie es erneut.",
  errorCode: "Fehlercode",
  formPostTitle: "Weiterleitung…",
  formPostLead: "Sie werden zur Anwendung zurückgeleitet.",
  formPostButton: "Weiter zur Anwendung",
};

const MESSAGES: Record<Locale, Messages> = { en, de };

/** The strings of `locale`; unsupported tags get English. */
export function messagesFor(locale: string | undefined): Messages {
  return MESSAGES[locale === "de" ? "de" : "en"];
}

/** Descriptions of the scopes OIDC Core §5.4 and §11 define. */
const SCOPES: Record<Locale, Record<string, string>> = {
  en: {
    openid: "Confirm your identity",
    profile: "See your basic profile: your name and username",
    email: "See your email address",
    address: "See your postal address",
    phone: "See your phone number",
    offline_access: "Keep access while you are not using it",
  },
  de: {
    openid: "Ihre Identität bestätigen",
    profile: "Ihr Basisprofil sehen: Ihren Namen und Benutzernamen",
    email: "Ihre E-Mail-Adresse sehen",
    address: "Ihre Postanschrift sehen",
    phone: "Ihre Telefonnummer sehen",
    offline_access: "Zugriff behalten, auch wenn Sie die Anwendung nicht nutzen",
  },
};

/** The localized description of a standard OIDC scope (OIDC Core §5.4, §11), or undefined for other scopes. */
export function scopeDescription(locale: string | undefined, scope: string): string | undefined {
  return Object.hasOwn(SCOPES.en, scope) ? SCOPES[locale === "de" ? "de" : "en"][scope] : undefined;
}

/** German labels of the standard login fields, by HTML autocomplete token (HTML Living Standard §4.10.18.7.1). */
const FIELD_LABELS_DE: Record<string, string> = {
  username: "Benutzername",
  email: "E-Mail-Adresse",
  "current-password": "Passwort",
  "one-time-code": "Bestätigungscode",
};

/** The label of a login field in `locale`: plugins label fields in English; standard fields are translated. */
export function fieldLabel(locale: string | undefined, field: { label: string; autocomplete: string }): string {
  return (locale === "de" && Object.hasOwn(FIELD_LABELS_DE, field.autocomplete) ? FIELD_LABELS_DE[field.autocomplete] : undefined) ?? field.label;
}
