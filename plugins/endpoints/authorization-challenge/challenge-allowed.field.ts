import { OperatorSwitchField } from "portcullis/plugin-sdk";

/**
 * `authorization_challenge_allowed: true`: the operator vouches that the client is first-party (first-party apps
 * §9.1); the endpoint issues authorization codes, redeemed with the authorization_code grant (draft §6).
 */
export const challengeAllowed = new OperatorSwitchField("authorization_challenge_allowed", "authorization_code");
