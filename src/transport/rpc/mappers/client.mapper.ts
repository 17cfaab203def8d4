import type { JsonObject, MessageInitShape } from "@bufbuild/protobuf";
import type { RegisteredClient } from "../../../core/clients/client-registry.js";
import type { RegisteredClientSchema } from "../../../../gen/portcullis/client/v1/client_pb.js";
import { toJsonObject } from "./json.mapper.js";

/** A client as its RFC 7591 §3.2.1 response; `clientSecret` only when one was just issued. */
export function toClientMessage(registered: RegisteredClient, response: Record<string, unknown>): MessageInitShape<typeof RegisteredClientSchema> {
  return { clientId: registered.client.clientId, clientSecret: registered.clientSecret, response: toJsonObject(response) };
}

/** Raw RFC 7591 §2 metadata for the registry to validate; an absent Struct is empty metadata. */
export function toClientMetadata(metadata: JsonObject | undefined): unknown {
  return metadata ?? {};
}

/** An opaque page token: the last client id of the page, base64url-encoded (the registry's exclusive cursor). */
export function toPageToken(lastClientId: string): string {
  return Buffer.from(lastClientId, "utf8").toString("base64url");
}

/** The registry cursor from a page token; undefined for the first page. */
export function fromPageToken(pageToken: string): string | undefined {
  return pageToken ? Buffer.from(pageToken, "base64url").toString("utf8") : undefined;
}
