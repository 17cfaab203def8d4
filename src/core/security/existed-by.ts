/**
 * By when (epoch ms, this server's clock) a JWT surely existed, for replay checks after a loss of replay memory
 * (corpus S107): its `iat` (whole seconds) plus the clock tolerance, as its maker's clock may lag ours by that much.
 * Without `iat` it may have been made just now (+∞: such a JWT is never taken for one made before the loss).
 */
export function existedBy(claims: { iat?: number }, clockToleranceSeconds: number): number {
  return claims.iat === undefined ? Number.POSITIVE_INFINITY : (claims.iat + 1 + clockToleranceSeconds) * 1000;
}
