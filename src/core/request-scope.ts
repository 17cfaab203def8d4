import { AsyncLocalStorage } from "node:async_hooks";

/** The id of the request being served (`X-Request-Id`, gRPC `x-request-id`), carried to its log lines and audit events. */
export const requestScope = new AsyncLocalStorage<string>();
