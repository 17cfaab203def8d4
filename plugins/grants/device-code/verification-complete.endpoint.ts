import {
  inject,
  injectable,
  PluginTokens,
  type AuthenticationSeal,
  type BrowserSignIn,
  type EndpointRequest,
  type EndpointResponse,
  type Pages,
  type PluginClock,
  type PublicEndpoint,
  type SingleUseStore,
} from "portcullis/plugin-sdk";
import { parseDeviceCodeOptions } from "./device-code-options.js";
import { DeviceRequests } from "./device-requests.js";
import { approvedPage, COMPLETION_PATH, deniedPage, expiredPage } from "./verification-pages.js";

/**
 * Where core's sign-in returns the browser (RFC 8628 §3.3): the user's approval (the sealed authentication) or denial
 * is recorded on the device request the sign-in was started for, and the user may return to the device.
 */
@injectable()
export class VerificationCompleteEndpoint implements PublicEndpoint {
  readonly path = COMPLETION_PATH;
  readonly methods = ["GET"] as const;
  private readonly requests: DeviceRequests;

  constructor(
    @inject(PluginTokens.Pages) private readonly pages: Pages,
    @inject(PluginTokens.BrowserSignIn) private readonly signIn: BrowserSignIn,
    @inject(PluginTokens.AuthenticationSeal) private readonly seal: AuthenticationSeal,
    @inject(PluginTokens.Clock) private readonly clock: PluginClock,
    @inject(PluginTokens.SingleUse) store: SingleUseStore,
    @inject(PluginTokens.Options) options: Readonly<Record<string, unknown>>,
  ) {
    this.requests = new DeviceRequests(store, clock, parseDeviceCodeOptions(options).expiresIn);
  }

  async handle(request: EndpointRequest): Promise<EndpointResponse> {
    const result = await this.signIn.result(request);
    const device = result && (await this.requests.find(result.state));
    if (!result || device?.status !== "pending" || this.clock.now() >= device.expiresAt) return this.pages.render(request, expiredPage, { status: 400 });
    if (!result.approved) {
      await this.requests.settle(result.state, device, { status: "denied" });
      return this.pages.render(request, deniedPage);
    }
    await this.requests.settle(result.state, device, { status: "approved", authentication: this.seal.seal(result.authentication) });
    return this.pages.render(request, approvedPage);
  }
}
