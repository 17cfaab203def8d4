import type { InjectionToken } from "tsyringe";
import type { ClientMetadataField } from "../../plugin-sdk/client-metadata.js";

/** The client metadata fields plugins own, by name (registered by the composition root as a value). */
export const ClientMetadataFieldsToken: InjectionToken<ReadonlyMap<string, ClientMetadataField>> = Symbol("ClientMetadataFields");
