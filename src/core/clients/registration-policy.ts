/**
 * What an initial access token requires of the registrations it authorizes (RFC 7591 §3), set by the operator with the
 * token. Every member is optional; an empty policy requires nothing (as open registration does).
 */
export interface RegistrationPolicy {
  /** A software statement must be presented (RFC 7591 §2.3); missing is `invalid_client_metadata`. */
  requireSoftwareStatement?: boolean;
  /** Issuers whose software statements are approved; another trusted issuer's is `unapproved_software_statement`. Absent: all. */
  softwareStatementIssuers?: readonly string[];
  /** `software_id` values approved in a software statement; another (or none) is `unapproved_software_statement`. Absent: all. */
  softwareIds?: readonly string[];
  /** Attestation evidence must be presented (attested registration); missing or invalid is `invalid_client_metadata`. */
  requireEvidence?: boolean;
}

/** Printable ASCII without spaces, at most 255 characters: an `iss` or a `software_id` an operator types. */
const VISIBLE = /^[\x21-\x7E]{1,255}$/;

/** The policy as stored: validated, with false flags and empty lists left out; throws RangeError naming the bad member. */
export function registrationPolicyOf(input: RegistrationPolicy): RegistrationPolicy {
  const list = (name: "softwareStatementIssuers" | "softwareIds") => {
    const values = input[name];
    if (values === undefined || values.length === 0) return {};
    if (values.some((value) => typeof value !== "string" || !VISIBLE.test(value))) throw new RangeError(`${name} must be visible ASCII strings of 1 to 255 characters`);
    return { [name]: [...new Set(values)] };
  };
  return {
    ...(input.requireSoftwareStatement === true && { requireSoftwareStatement: true }),
    ...list("softwareStatementIssuers"),
    ...list("softwareIds"),
    ...(input.requireEvidence === true && { requireEvidence: true }),
  };
}
