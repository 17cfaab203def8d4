import type { FormParams, SignInPrompt } from "portcullis/plugin-sdk";

/** The endpoint's own parameters (draft §5.1, RFC 6749 §2.3 client authentication); no authenticator field may take one of these names. */
const ENDPOINT_PARAMETERS: ReadonlySet<string> = new Set([
  "auth_session",
  "client_id",
  "client_secret",
  "client_assertion",
  "client_assertion_type",
  "response_type",
  "scope",
  "resource",
  "code_challenge",
  "code_challenge_method",
  "nonce",
  "redirect_uri",
  "state",
]);

/** The alias of a step's one one-time-code field, as in the draft's example profile (Appendix B.1). */
const OTP = "otp";

/** Whether a step can be done by posting its fields here; otherwise the user is sent to the browser (draft §5.2.2.1.1). */
export function postable(prompt: SignInPrompt): boolean {
  return !prompt.browserOnly && prompt.fields.every((field) => !ENDPOINT_PARAMETERS.has(field.name));
}

/**
 * The step's fields from the request: each authenticator field is the parameter of its name, and a step with exactly
 * one one-time-code field also takes it as `otp`. Undefined unless every field has a value: nothing is submitted (nor
 * counted as a failure) until the client sends the whole step.
 */
export function submittedFields(prompt: SignInPrompt, params: FormParams): Record<string, string> | undefined {
  const codes = prompt.fields.filter((field) => field.type === "one-time-code");
  const aliased = codes.length === 1 && !prompt.fields.some((field) => field.name === OTP) ? codes[0]!.name : undefined;
  const fields: Record<string, string> = {};
  for (const { name } of prompt.fields) {
    const value = params.get(name) ?? (name === aliased ? params.get(OTP) : undefined);
    if (value === undefined) return undefined;
    fields[name] = value;
  }
  return fields;
}

/** The step as the client sees it: the authenticator and the parameters to send (draft §5.2.2 allows AS-defined members). */
export function stepDescription(prompt: SignInPrompt): { authenticator: string; fields: { name: string; type: string; label: string }[] } {
  return { authenticator: prompt.authenticator, fields: prompt.fields.map(({ name, type, label }) => ({ name, type, label })) };
}
