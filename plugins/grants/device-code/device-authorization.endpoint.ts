import {
  confirmationOf,
  grantTypesOf,
  inject,
  injectable,
  NO_STORE_HEADERS,
  OAuthErrors,
  PluginTokens,
  type AccessPolicy,
  type ClientAuthentication,
  type EndpointRequest,
  type EndpointResponse,
  type PluginClock,
  type PublicEndpoint,
  type SenderProofs,
  type SingleUseStore,
} from "portcullis/plugin-sdk";
import { DEVICE_CODE_GRANT } from "./device-code.grant.js";
import { parseDeviceCodeOptions, type DeviceCodeOptions } from "./device-code-options.js";
import { DeviceRequests } from "./device-requests.js";
import { formatUserCode } from "./user-code.js";
import { VERIFICATION_PATH } from "./verification-pages.js";

/**
 * POST /device_authorization (RFC 8628 §3.1–3.2), advertised as `device_authorization_endpoint` (§4): the client
 * (authenticated as registered, or public) gets a device code, a user code and where the user enters it. A DPoP proof
 * sent with the request binds the device code to its key: polls must prove the same key (RFC 9449 §4.3, §10 by analogy).
 */
@injectable()
export class DeviceAuthorizationEndpoint implements PublicEndpoint {
  readonly path = "/device_authorization";
  readonly methods = ["POST"] as const;
  readonly metadataMember = "device_authorization_endpoint";
  private readonly options: DeviceCodeOptions;
  private readonly requests: DeviceRequests;

  constructor(
    @inject(PluginTokens.ClientAuthentication) private readonly clients: ClientAuthentication,
    @inject(PluginTokens.AccessPolicy) private readonly policy: AccessPolicy,
    @inject(PluginTokens.Issuer) private readonly issuer: string,
    @inject(PluginTokens.SingleUse) store: SingleUseStore,
    @inject(PluginTokens.Clock) clock: PluginClock,
    @inject(PluginTokens.Options) options: Readonly<Record<string, unknown>>,
    @inject(PluginTokens.SenderProofs) private readonly proofs: SenderProofs,
  ) {
    this.options = parseDeviceCodeOptions(options);
    this.requests = new DeviceRequests(store, clock, this.options.expiresIn);
  }

  async handle(request: EndpointRequest): Promise<EndpointResponse> {
    request.params.rejectRepeated({ repeatable: ["resource"] });
    const caller = await this.clients.authenticate(request, { allowPublic: true });
    const client = caller.client;
    if (!grantTypesOf(client.metadata).includes(DEVICE_CODE_GRANT)) throw OAuthErrors.unauthorizedClient(`the client is not registered for ${DEVICE_CODE_GRANT}`);
    const access = await this.policy.resolve(client, { scope: request.params.get("scope"), resources: request.params.getAll("resource") });
    const binding = await this.proofs.presented(request, client);
    const { deviceCode, userCode } = await this.requests.create({ clientId: client.clientId, scopes: access.scopes, resources: access.resources, ...(confirmationOf(binding) && { binding }) });
    const verificationUri = `${this.issuer}${VERIFICATION_PATH}`;
    const shown = formatUserCode(userCode);
    return {
      status: 200,
      headers: { ...NO_STORE_HEADERS },
      body: {
        device_code: deviceCode,
        user_code: shown,
        verification_uri: verificationUri,
        verification_uri_complete: `${verificationUri}?user_code=${shown}`,
        expires_in: this.options.expiresIn,
        interval: this.options.interval,
      },
    };
  }
}
