import { NO_STORE_HEADERS, type PublicEndpoint } from "../../plugin-sdk/endpoint.js";

export type { BodyKind, EndpointResponse } from "../../plugin-sdk/endpoint.js";

/** One HTTP endpoint of the public listener: the SDK's contract, which core endpoints and plugin endpoints share. */
export type HttpEndpoint = PublicEndpoint;

export const noStore = NO_STORE_HEADERS;
