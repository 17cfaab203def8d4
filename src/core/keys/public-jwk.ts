/** JWK members that only private or symmetric keys have (RFC 7518 §6). */
const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/** The first private or symmetric member of `jwk`, or undefined for a public key (RFC 7518 §6). */
export const privateMemberOf = (jwk: object): string | undefined => PRIVATE_JWK_MEMBERS.find((name) => name in jwk);
