import { ExtensionPoints, type PluginModule } from "portcullis/plugin-sdk";
import { AuthorizationChallengeEndpoint } from "./authorization-challenge.endpoint.js";
import { challengeAllowed } from "./challenge-allowed.field.js";

const plugin: PluginModule = {
  id: "endpoints.authorization-challenge",
  apiVersion: 1,
  register(host) {
    host.contribute(ExtensionPoints.endpoints, AuthorizationChallengeEndpoint);
    host.contribute(ExtensionPoints.clientMetadata, challengeAllowed);
  },
};
export default plugin;
