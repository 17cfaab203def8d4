import { create, fromBinary, toBinary, type DescMessage, type DescMethodServerStreaming, type DescMethodUnary, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";

/** The HTTP/2 path of a gRPC method, `/package.Service/Method` (gRPC over HTTP/2 "Path"). */
function pathOf(method: { parent: { typeName: string }; name: string }): string {
  return `/${method.parent.typeName}/${method.name}`;
}

/** One unary call with @grpc/grpc-js, (de)serialised by protobuf-es from the generated schemas (gRPC over HTTP/2). */
export function unaryCall<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: DescMethodUnary<I, O>,
  request: MessageInitShape<I>,
  metadata: grpc.Metadata,
  options: grpc.CallOptions = {},
): Promise<MessageShape<O>> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      pathOf(method),
      (message: MessageShape<I>) => Buffer.from(toBinary(method.input, message)),
      (bytes: Buffer) => fromBinary(method.output, bytes),
      create(method.input, request),
      metadata,
      options,
      (error, response) => (error ? reject(error) : resolve(response!)),
    );
  });
}

/** A server-streaming call with @grpc/grpc-js, (de)serialised by protobuf-es; cancel() it when done (gRPC over HTTP/2). */
export function serverStreamCall<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: DescMethodServerStreaming<I, O>,
  request: MessageInitShape<I>,
  metadata: grpc.Metadata,
  options: grpc.CallOptions = {},
): grpc.ClientReadableStream<MessageShape<O>> {
  return client.makeServerStreamRequest(
    pathOf(method),
    (message: MessageShape<I>) => Buffer.from(toBinary(method.input, message)),
    (bytes: Buffer) => fromBinary(method.output, bytes),
    create(method.input, request),
    metadata,
    options,
  );
}
