import {
  inject,
  injectable,
  OAuthErrors,
  PluginTokens,
  proves,
  type BrowserSignIn,
  type GrantContext,
  type GrantDecision,
  type GrantHandler,
  type GrantRequest,
  type OAuthError,
  type PluginClock,
  type SingleUseStore,
} from "portcullis/plugin-sdk";
import { parseDeviceCodeOptions } from "./device-code-options.js";
import { DEVICE_CODE_SHAPE, deviceKey, DeviceRequests } from "./device-requests.js";
import { PollingPace } from "./polling-pace.js";

/** The grant type of the device flow (RFC 8628 §3.4). */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const OFFLINE_ACCESS = "offline_access";

/**
 * The device access token request (RFC 8628 §3.4–3.5): authorization_pending until the user decides, slow_down for a
 * poll inside the interval, access_denied after a denial, expired_token after expires_in; an approved device code is
 * redeemed atomically, so of any number of polls exactly one gets tokens. A device code works only for its own client.
 */
@injectable()
export class DeviceCodeGrant implements GrantHandler {
  readonly grantType = DEVICE_CODE_GRANT;
  readonly parameters = ["device_code"] as const;
  readonly clientAuthentication = "optional" as const;
  private readonly requests: DeviceRequests;
  private readonly pace: PollingPace;

  constructor(
    @inject(PluginTokens.BrowserSignIn) private readonly signIn: BrowserSignIn,
    @inject(PluginTokens.SingleUse) store: SingleUseStore,
    @inject(PluginTokens.Clock) private readonly clock: PluginClock,
    @inject(PluginTokens.Options) options: Readonly<Record<string, unknown>>,
  ) {
    const { expiresIn, interval } = parseDeviceCodeOptions(options);
    this.requests = new DeviceRequests(store, clock, expiresIn);
    this.pace = new PollingPace(store, interval);
  }

  async handle(request: GrantRequest, ctx: GrantContext): Promise<GrantDecision> {
    const deviceCode = request.params.get("device_code");
    if (deviceCode === undefined) throw OAuthErrors.invalidRequest("device_code is required");
    const key = deviceKey(deviceCode);
    const device = await this.requests.find(key);
    const clientId = request.client.client.clientId;
    if (!device) throw await this.missing(deviceCode, key);
    if (device.clientId !== clientId) throw spent();
    if (!proves(request.binding, device.binding)) throw OAuthErrors.invalidGrant("device_code is bound to a key this request did not prove");
    if (this.clock.now() >= device.expiresAt) throw expired();
    if (device.status === "denied") throw OAuthErrors.accessDenied("the end-user denied the request");
    if (device.status === "pending") {
      if (!(await this.pace.admit(key, this.requests.retainedFor(device)))) throw OAuthErrors.slowDown("polling too fast; add 5 seconds to the interval");
      throw OAuthErrors.authorizationPending("the end-user has not yet completed the request");
    }
    const approved = await this.requests.redeem(key, device);
    if (!approved?.authentication) throw spent();
    const authentication = ctx.authenticationSeal.unseal(approved.authentication);
    await this.signIn.assertStillAuthorized(authentication, clientId, approved.scopes);
    const access = await ctx.resolveAccess(request, { maxScopes: approved.scopes, maxResources: approved.resources });
    return { subject: authentication.subject, authentication, access, issueRefreshToken: access.scopes.includes(OFFLINE_ACCESS) };
  }

  /**
   * A device code without a request: malformed or spent is invalid_grant; one of our shape is taken for one issued
   * and gone (long expired, or lost with the ephemeral store): the device must start again (expired_token, §3.5).
   */
  private async missing(deviceCode: string, key: string): Promise<OAuthError> {
    return !DEVICE_CODE_SHAPE.test(deviceCode) || (await this.requests.redeemed(key)) ? spent() : expired();
  }
}

const spent = () => OAuthErrors.invalidGrant("device_code is invalid, was already used or was issued to another client");
const expired = () => OAuthErrors.expiredToken("device_code has expired");
