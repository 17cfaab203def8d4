import type { LocalizedText, PluginPage } from "portcullis/plugin-sdk";

/** The verification URI (RFC 8628 §3.2 verification_uri), below the issuer. */
export const VERIFICATION_PATH = "/device";
/** Where core's sign-in returns the browser to, below the issuer. */
export const COMPLETION_PATH = "/device/complete";

/** Why the code entry form is shown again; one generic text for every wrong code (RFC 8628 §5.1: no oracle). */
export type EntryProblem = "invalid" | "throttled" | "stale";

const ALERTS: Record<EntryProblem, LocalizedText> = {
  invalid: {
    en: "That code is not valid. Check the code shown on your device and try again.",
    de: "Dieser Code ist nicht gültig. Prüfen Sie den Code auf Ihrem Gerät und versuchen Sie es erneut.",
  },
  throttled: { en: "Too many attempts. Please wait a few minutes and try again.", de: "Zu viele Versuche. Bitte warten Sie einige Minuten und versuchen Sie es erneut." },
  stale: { en: "This form has expired. Please enter the code again.", de: "Dieses Formular ist abgelaufen. Bitte geben Sie den Code erneut ein." },
};

/** The user-code entry page (RFC 8628 §3.3); `userCode` prefills it (verification_uri_complete, §3.3.1), the user still confirms. */
export function entryPage(userCode?: string, problem?: EntryProblem): PluginPage {
  return {
    title: { en: "Connect a device", de: "Gerät verbinden" },
    lead: { en: "Enter the code shown on your device.", de: "Geben Sie den Code ein, der auf Ihrem Gerät angezeigt wird." },
    ...(problem && { alert: ALERTS[problem] }),
    form: {
      action: VERIFICATION_PATH,
      fields: [{ name: "user_code", label: { en: "Code", de: "Code" }, code: true, ...(userCode !== undefined && { value: userCode }) }],
      submit: { en: "Continue", de: "Weiter" },
    },
  };
}

/** After approval (RFC 8628 §3.3): nothing is left to do in the browser. */
export const approvedPage: PluginPage = {
  title: { en: "Device connected", de: "Gerät verbunden" },
  lead: { en: "You may return to your device. You can close this window.", de: "Sie können zu Ihrem Gerät zurückkehren und dieses Fenster schließen." },
};

/** After the user denied the request. */
export const deniedPage: PluginPage = {
  title: { en: "Access denied", de: "Zugriff verweigert" },
  lead: { en: "The device was not connected. You can close this window.", de: "Das Gerät wurde nicht verbunden. Sie können dieses Fenster schließen." },
};

/** The request expired, was already answered, or the return is unknown. */
export const expiredPage: PluginPage = {
  title: { en: "This request has expired", de: "Diese Anfrage ist abgelaufen" },
  lead: { en: "Start again on your device to get a new code.", de: "Beginnen Sie auf Ihrem Gerät erneut, um einen neuen Code zu erhalten." },
};
