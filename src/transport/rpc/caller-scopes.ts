/** Scopes an internal caller's access token must carry, per group of methods (DESIGN "Listeners"). */
export const CallerScopes = {
  validate: "portcullis:validate",
  tokens: "portcullis:tokens",
  mint: "portcullis:mint",
  clientsRead: "portcullis:clients:read",
  clientsWrite: "portcullis:clients:write",
} as const;
