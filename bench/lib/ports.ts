import net from "node:net";
import { HOST } from "./settings.js";

/** A TCP port on loopback that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on loopback `port`; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, HOST, () => resolve(true)).once("error", () => resolve(false));
      socket.setTimeout(1_000, () => socket.destroy());
      socket.once("close", () => resolve(false));
      socket.once("connect", () => socket.end());
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${HOST}:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
