import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { AttestationMetadata } from "./attestation-metadata.discovery.js";
import { AttestJwtClientAuth } from "./attest-jwt-client-auth.client-auth.js";

/** `attest_jwt_client_auth` client authentication (draft-ietf-oauth-attestation-based-client-auth-11 §7.5). */
const plugin: PluginModule = {
  id: "client-auth.attest-jwt-client-auth",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.clientAuthenticators, AttestJwtClientAuth);
    host.contribute(ExtensionPoints.discovery, new AttestationMetadata());
  },
};

export default plugin;
