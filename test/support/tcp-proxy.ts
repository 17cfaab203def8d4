import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";

type Mode = "pass" | "refuse" | "black-hole";

/**
 * A TCP proxy in front of a database that a test can break: `cut` drops every connection and refuses new ones (a
 * restart), `blackHole` keeps every connection open but forwards nothing, new ones included (a server or network
 * that stops answering); `reopen` passes traffic again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private mode: Mode = "pass";

  constructor(private readonly target: { host: string; port: number }) {}

  /** Listens on a free loopback port and returns it. */
  async listen(): Promise<number> {
    this.server = createServer((downstream) => this.accept(downstream));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Destroys every open connection and refuses new ones until `reopen`. */
  cut(): void {
    this.mode = "refuse";
    this.dropAll();
  }

  /** Stops forwarding on every connection, open or new, without closing any, until `reopen`. */
  blackHole(): void {
    this.mode = "black-hole";
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  /** Passes traffic again; connections held in a black hole are dropped, as their peers have given up on them. */
  reopen(): void {
    if (this.mode === "black-hole") this.dropAll();
    this.mode = "pass";
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(downstream: Socket): void {
    if (this.mode === "refuse") return void downstream.destroy();
    this.track(downstream);
    if (this.mode === "black-hole") return void downstream.pause();
    const upstream = connect(this.target);
    this.track(upstream);
    const closeBoth = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on("close", closeBoth);
    upstream.on("close", closeBoth);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => this.sockets.delete(socket));
  }

  private dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
