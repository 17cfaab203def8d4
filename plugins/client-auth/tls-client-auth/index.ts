import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { certificateNameFields } from "./tls-client-auth-metadata.js";
import { TlsClientAuth } from "./tls-client-auth.client-auth.js";

/** `tls_client_auth`: PKI mutual-TLS client authentication (RFC 8705 §2.1) and its `tls_client_auth_*` metadata. */
const plugin: PluginModule = {
  id: "client-auth.tls-client-auth",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.clientAuthenticators, TlsClientAuth);
    for (const field of certificateNameFields) host.contribute(ExtensionPoints.clientMetadata, field);
  },
};

export default plugin;
