import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { JwtAttestationVerifier } from "./jwt.attestation.js";

/** JWT client attestations from operator-trusted attesters (draft-ietf-oauth-attestation-based-client-auth-11 §4). */
const plugin: PluginModule = {
  id: "attestation.jwt",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.attestationVerifiers, JwtAttestationVerifier);
  },
};

export default plugin;
