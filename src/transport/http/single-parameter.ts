import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../plugin-sdk/request.js";

/** A required, non-repeated parameter (RFC 6749 §3.1). */
export function singleParameter(request: EndpointRequest, name: string): string {
  request.params.rejectRepeated({ only: [name] });
  const value = request.params.get(name);
  if (!value) throw OAuthErrors.invalidRequest(`${name} is required`);
  return value;
}
