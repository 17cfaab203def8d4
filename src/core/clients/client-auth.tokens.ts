import type { InjectionToken } from "tsyringe";
import type { ClientAuthenticator } from "../../plugin-sdk/client-auth.js";

/** The enabled `ClientAuthenticator`s, registered by the plugin host as one array value (DESIGN "Plugin contracts"). */
export const ClientAuthenticatorsToken = Symbol("ClientAuthenticators") as InjectionToken<readonly ClientAuthenticator[]>;
