import { Code, ConnectError } from "@connectrpc/connect";
import { mappingFor } from "../../../core/errors/error-table.js";
import type { OAuthError } from "../../../plugin-sdk/errors.js";
import { OAuthErrorDetailSchema } from "../../../../gen/portcullis/common/v1/error_pb.js";

/** An OAuthError as a ConnectError: code from the one error table, client-safe text, OAuthErrorDetail attached (DESIGN "Errors"). */
export function toConnectError(error: OAuthError): ConnectError {
  const code = mappingFor(error).grpc as Code;
  const detail = { desc: OAuthErrorDetailSchema, value: { error: error.error, errorDescription: error.description ?? "" } };
  return new ConnectError(error.description ?? error.error, code, error.headers, [detail]);
}
