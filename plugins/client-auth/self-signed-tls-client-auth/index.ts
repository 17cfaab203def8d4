import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { SelfSignedTlsClientAuth } from "./self-signed-tls-client-auth.client-auth.js";

/** `self_signed_tls_client_auth`: mutual-TLS client authentication with certificates registered in the client's JWKS (RFC 8705 §2.2). */
const plugin: PluginModule = {
  id: "client-auth.self-signed-tls-client-auth",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.clientAuthenticators, SelfSignedTlsClientAuth);
  },
};

export default plugin;
