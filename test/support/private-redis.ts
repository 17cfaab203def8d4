import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { waitUntil } from "./fault-requirements.js";
import { freePort } from "./test-app.js";

/** A throwaway Redis for tests that break it (never the shared one): no persistence, restartable empty on its port. */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number) {}

  /** Starts `redis-server` on a free loopback port. */
  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts it, empty, on the same port. */
  async start(): Promise<void> {
    this.child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitUntil(() => this.ping(), 5000, `redis-server did not answer on port ${this.port}`);
  }

  /** SIGKILL: the data is gone, clients see their connections drop. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  /** SIGSTOP: connections stay open and new ones are accepted by the kernel, but nothing is answered (a hung server). */
  pause(): void {
    this.child?.kill("SIGSTOP");
  }

  /** SIGCONT after `pause`. */
  resume(): void {
    this.child?.kill("SIGCONT");
  }

  private ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: this.port });
      socket.setTimeout(500, () => socket.destroy());
      socket.once("connect", () => socket.write("PING\r\n"));
      socket.once("data", (data) => {
        socket.destroy();
        resolve(String(data).startsWith("+PONG"));
      });
      socket.once("error", () => resolve(false));
      socket.once("close", () => resolve(false));
    });
  }
}
