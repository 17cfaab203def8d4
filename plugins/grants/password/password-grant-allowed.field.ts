import { OperatorSwitchField } from "portcullis/plugin-sdk";

/** `password_grant_allowed: true`: the password grant (RFC 6749 §4.3) for this client, set by an operator only. */
export const passwordGrantAllowed = new OperatorSwitchField("password_grant_allowed", "password");
