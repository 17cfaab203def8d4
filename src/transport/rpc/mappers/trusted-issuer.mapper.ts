import type { MessageInitShape } from "@bufbuild/protobuf";
import type { TrustedIssuer } from "../../../core/trust/trusted-issuer.js";
import type { TrustedIssuerInput } from "../../../core/trust/trusted-issuer.service.js";
import type { TrustedIssuer as TrustedIssuerMessage, TrustedIssuerSchema } from "../../../../gen/portcullis/trust/v1/trust_pb.js";
import { toInt64, toJsonObject } from "./json.mapper.js";

/** A stored trusted issuer as its proto message (times in epoch seconds, keys as the oneof). */
export function toTrustedIssuerMessage(issuer: TrustedIssuer): MessageInitShape<typeof TrustedIssuerSchema> {
  return {
    issuer: issuer.issuer,
    uses: issuer.uses,
    allowedClients: issuer.allowedClients,
    subjectMapping: issuer.subjectMapping,
    keys: issuer.jwks ? { case: "jwks", value: toJsonObject(issuer.jwks as unknown as Record<string, unknown>) } : { case: "jwksUri", value: issuer.jwksUri! },
    maxLifetime: issuer.maxLifetime,
    createdAt: toInt64(issuer.createdAt / 1000),
    updatedAt: toInt64(issuer.updatedAt / 1000),
  };
}

/** The operator's input for the registry to validate; an absent message is an empty (invalid) one, and 0 is the default lifetime. */
export function toTrustedIssuerInput(message: TrustedIssuerMessage | undefined): TrustedIssuerInput {
  return {
    issuer: message?.issuer ?? "",
    uses: message?.uses ?? [],
    allowedClients: message?.allowedClients ?? [],
    subjectMapping: message?.subjectMapping ?? "",
    jwks: message?.keys.case === "jwks" ? message.keys.value : undefined,
    jwksUri: message?.keys.case === "jwksUri" ? message.keys.value : undefined,
    maxLifetime: message?.maxLifetime || undefined,
  };
}
