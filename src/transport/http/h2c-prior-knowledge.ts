import type { Server as HttpServer } from "node:http";
import type { Http2Server } from "node:http2";
import type { Socket } from "node:net";

/** The HTTP/2 client connection preface (RFC 9113 §3.4). */
const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/**
 * Serves HTTP/2 with prior knowledge (h2c, RFC 9113 §3.3) on the port of an HTTP/1.1 server: each new connection's
 * first bytes are compared with the connection preface; a connection that sends it goes to `h2`, any other to the
 * HTTP/1.1 server's own connection handling (so its header, request and keep-alive limits apply unchanged). A client
 * that sends neither within `sniffTimeout` ms is disconnected.
 */
export function acceptPriorKnowledge(http1: HttpServer, h2: Http2Server, sniffTimeout: number): void {
  const serveHttp1 = http1.listeners("connection") as ((socket: Socket) => void)[];
  http1.removeAllListeners("connection");
  http1.on("connection", (socket: Socket) => {
    let received: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), sniffTimeout).unref();
    // The sniffed bytes go back into the socket: HTTP/1.1 reads them as its next 'data'; the HTTP/2 session reads a
    // paused socket's buffer when it starts.
    const handOver = (isH2: boolean) => {
      clearTimeout(timer);
      socket.off("data", onData).off("close", stopTimer).off("error", stopTimer);
      if (isH2) socket.pause();
      socket.unshift(received);
      if (isH2) h2.emit("connection", socket);
      else for (const listener of serveHttp1) listener.call(http1, socket);
    };
    const onData = (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      const compared = Math.min(received.length, PREFACE.length);
      if (received.compare(PREFACE, 0, compared, 0, compared) !== 0) handOver(false);
      else if (received.length >= PREFACE.length) handOver(true);
    };
    const stopTimer = () => clearTimeout(timer);
    socket.on("data", onData).on("close", stopTimer).on("error", stopTimer);
  });
}
