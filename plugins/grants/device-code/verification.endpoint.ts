import {
  inject,
  injectable,
  PluginTokens,
  type BrowserSignIn,
  type EndpointRequest,
  type EndpointResponse,
  type FailureLockout,
  type Pages,
  type PluginClock,
  type PublicEndpoint,
  type SingleUseStore,
} from "portcullis/plugin-sdk";
import { parseDeviceCodeOptions, type DeviceCodeOptions } from "./device-code-options.js";
import { DeviceRequests } from "./device-requests.js";
import { formatUserCode, normalizeUserCode } from "./user-code.js";
import { COMPLETION_PATH, entryPage, VERIFICATION_PATH } from "./verification-pages.js";

/**
 * The verification URI (RFC 8628 §3.3): GET shows the user-code form (prefilled from verification_uri_complete,
 * §3.3.1, for the user to confirm); POST takes the code, once, and sends the browser through core's sign-in, second
 * factor, SSO session and consent for the device's client. Wrong codes get one generic answer and are counted per
 * client IP and per browser, with lockout (§5.1).
 */
@injectable()
export class VerificationEndpoint implements PublicEndpoint {
  readonly path = VERIFICATION_PATH;
  readonly methods = ["GET", "POST"] as const;
  private readonly options: DeviceCodeOptions;
  private readonly requests: DeviceRequests;

  constructor(
    @inject(PluginTokens.Pages) private readonly pages: Pages,
    @inject(PluginTokens.BrowserSignIn) private readonly signIn: BrowserSignIn,
    @inject(PluginTokens.FailureLockout) private readonly lockout: FailureLockout,
    @inject(PluginTokens.Clock) private readonly clock: PluginClock,
    @inject(PluginTokens.SingleUse) store: SingleUseStore,
    @inject(PluginTokens.Options) options: Readonly<Record<string, unknown>>,
  ) {
    this.options = parseDeviceCodeOptions(options);
    this.requests = new DeviceRequests(store, clock, this.options.expiresIn);
  }

  async handle(request: EndpointRequest): Promise<EndpointResponse> {
    if (request.method === "GET") {
      const prefill = normalizeUserCode(request.params.get("user_code") ?? "");
      return this.pages.render(request, entryPage(prefill && formatUserCode(prefill)));
    }
    const submission = this.pages.submission(request);
    if (!submission) return this.pages.render(request, entryPage(undefined, "stale"), { status: 400 });
    const subjects = [
      { key: `ip:${request.remoteAddress}`, limit: this.options.ipFailureLimit },
      { key: `browser:${submission.browser}`, limit: this.options.browserFailureLimit },
    ];
    const windowMs = this.options.lockoutSeconds * 1000;
    const retryAfter = await this.lockout.retryAfter(subjects.map((s) => s.key), windowMs);
    if (retryAfter !== undefined) return this.pages.render(request, entryPage(undefined, "throttled"), { status: 429, headers: { "retry-after": String(retryAfter) } });
    const userCode = normalizeUserCode(request.params.get("user_code") ?? "");
    const key = userCode === undefined ? undefined : await this.requests.claimUserCode(userCode);
    const device = key === undefined ? undefined : await this.requests.find(key);
    if (key === undefined || device?.status !== "pending" || this.clock.now() >= device.expiresAt) {
      await this.lockout.record(subjects, windowMs);
      return this.pages.render(request, entryPage(undefined, "invalid"), { status: 400 });
    }
    return this.signIn.start(request, { clientId: device.clientId, scopes: device.scopes, returnPath: COMPLETION_PATH, state: key, prompt: ["consent"] });
  }
}
