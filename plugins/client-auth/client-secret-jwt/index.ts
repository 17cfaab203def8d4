import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { ClientSecretJwtClientAuth } from "./client-secret-jwt.client-auth.js";

/** `client_secret_jwt` client authentication (RFC 7523 §2.2, OIDC Core §9). */
const plugin: PluginModule = {
  id: "client-auth.client-secret-jwt",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.clientAuthenticators, ClientSecretJwtClientAuth);
  },
};

export default plugin;
