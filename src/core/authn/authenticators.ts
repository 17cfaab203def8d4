import type { InjectionToken } from "tsyringe";
import type { Authenticator } from "../../plugin-sdk/authenticator.js";

/** The login steps contributed by plugins (registered by the composition root as a value; OIDC Core §3.1.2.3). */
export const AuthenticatorsToken: InjectionToken<readonly Authenticator[]> = Symbol("Authenticators");
