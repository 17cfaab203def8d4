import { createHash, randomBytes } from "node:crypto";
import { OAuthErrors, type PluginClock, type SenderBinding, type SingleUseStore } from "portcullis/plugin-sdk";
import { generateUserCode } from "./user-code.js";

/** A device authorization request (RFC 8628 §3.1) as stored, under the digest of its device code. */
export interface DeviceRequest {
  clientId: string;
  scopes: string[];
  resources: string[];
  /** Epoch ms at which the device code and its user code expire (RFC 8628 §3.2 expires_in). */
  expiresAt: number;
  /** Pending until the end-user approves or denies at the verification page (RFC 8628 §3.3). */
  status: "pending" | "approved" | "denied";
  /** Once approved: the end-user's authentication, sealed by AuthenticationSeal. */
  authentication?: string;
  /** The key the device authorization request proved (a DPoP proof, RFC 9449 §4.3); every poll must prove it too. */
  binding?: SenderBinding;
}

/** Random bytes of a device code (256 bits; RFC 8628 §5.2 wants it unguessable). */
const DEVICE_CODE_BYTES = 32;
/** The shape of every device code issued: 32 bytes, base64url without padding. */
export const DEVICE_CODE_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** Fresh user codes tried when one is already live (a collision is about one in 10^10 per live code). */
const USER_CODE_ATTEMPTS = 5;

/** The store key of a device code: its SHA-256, so the store never holds a usable code (DESIGN "State"). */
export function deviceKey(deviceCode: string): string {
  return createHash("sha256").update(deviceCode, "utf8").digest("base64url");
}

/**
 * Device requests and user codes in the plugin's single-use namespace, shared by every node. A request outlives its
 * expiry by as long again (its decision stays readable for late polls); a user code lives exactly as long as its
 * device code and is taken, once, by the browser that enters it (RFC 8628 §5.1).
 */
export class DeviceRequests {
  constructor(
    private readonly store: SingleUseStore,
    private readonly clock: PluginClock,
    private readonly expiresInSeconds: number,
    private readonly random: (size: number) => Uint8Array = randomBytes,
  ) {}

  /** Stores a new pending request; its device code and (canonical) user code. */
  async create(request: Pick<DeviceRequest, "clientId" | "scopes" | "resources" | "binding">): Promise<{ deviceCode: string; userCode: string }> {
    const deviceCode = Buffer.from(this.random(DEVICE_CODE_BYTES)).toString("base64url");
    const key = deviceKey(deviceCode);
    const lifetime = this.expiresInSeconds * 1000;
    await this.store.put(`device:${key}`, JSON.stringify({ ...request, expiresAt: this.clock.now() + lifetime, status: "pending" } satisfies DeviceRequest), 2 * lifetime);
    for (let attempt = 0; attempt < USER_CODE_ATTEMPTS; attempt++) {
      const userCode = generateUserCode(this.random);
      if (await this.store.putIfAbsent(`user-code:${userCode}`, key, lifetime)) return { deviceCode, userCode };
    }
    throw OAuthErrors.temporarilyUnavailable("no free user code; try again");
  }

  async find(key: string): Promise<DeviceRequest | undefined> {
    const stored = await this.store.get(`device:${key}`);
    return stored === undefined ? undefined : (JSON.parse(stored) as DeviceRequest);
  }

  /** The key of the request a (canonical) user code names, taken so no other browser can use the code again. */
  claimUserCode(userCode: string): Promise<string | undefined> {
    return this.store.take(`user-code:${userCode}`);
  }

  /** Records the end-user's decision (RFC 8628 §3.3), keeping the request's expiry. */
  async settle(key: string, request: DeviceRequest, decision: { status: "approved"; authentication: string } | { status: "denied" }): Promise<void> {
    await this.store.put(`device:${key}`, JSON.stringify({ ...request, ...decision } satisfies DeviceRequest), this.retainedFor(request));
  }

  /**
   * Redeems the request once (RFC 8628 §3.5): a put-if-absent marker decides, so of any number of concurrent polls
   * exactly one gets the request, and the marker tells later polls that the device code was spent.
   */
  async redeem(key: string, request: DeviceRequest): Promise<DeviceRequest | undefined> {
    if (!(await this.store.putIfAbsent(`redeemed:${key}`, "1", this.retainedFor(request)))) return undefined;
    const stored = await this.store.take(`device:${key}`);
    return stored === undefined ? undefined : (JSON.parse(stored) as DeviceRequest);
  }

  /** True while the device code is known to have been redeemed. */
  async redeemed(key: string): Promise<boolean> {
    return (await this.store.get(`redeemed:${key}`)) !== undefined;
  }

  /** Milliseconds the stored request has left (its expiry plus the time kept for late polls). */
  retainedFor(request: DeviceRequest): number {
    return Math.max(1, request.expiresAt + this.expiresInSeconds * 1000 - this.clock.now());
  }
}
