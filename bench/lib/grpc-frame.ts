/** gRPC over HTTP/2 message framing: a 1-byte compressed flag (0), a 4-byte big-endian length, the message (gRPC PROTOCOL-HTTP2 "Length-Prefixed-Message"). */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** The ValidateToken path every gRPC target serves. */
export const VALIDATE_TOKEN_PATH = "/portcullis.validation.v1.TokenValidationService/ValidateToken";
