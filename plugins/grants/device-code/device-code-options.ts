/** The settings of the device flow, from PLUGIN_OPTIONS["grants.device-code"] (README "Device flow"). */
export interface DeviceCodeOptions {
  /** Lifetime of a device code and its user code, seconds (RFC 8628 §3.2 expires_in). */
  expiresIn: number;
  /** Minimum seconds between polls before any slow_down (RFC 8628 §3.2 interval). */
  interval: number;
  /** Wrong user codes per client IP in one lockout window before that IP is locked out (RFC 8628 §5.1). */
  ipFailureLimit: number;
  /** Wrong user codes per browser in one lockout window before that browser is locked out. */
  browserFailureLimit: number;
  /** Window in which wrong user codes are counted, and how long a lockout lasts, seconds. */
  lockoutSeconds: number;
}

/** Each option: its name in PLUGIN_OPTIONS, default and bounds (integers). */
const SETTINGS: Record<keyof DeviceCodeOptions, { name: string; default: number; min: number; max: number }> = {
  expiresIn: { name: "expires_in", default: 600, min: 60, max: 3600 },
  interval: { name: "interval", default: 5, min: 1, max: 60 },
  ipFailureLimit: { name: "ip_failure_limit", default: 20, min: 1, max: 10_000 },
  browserFailureLimit: { name: "browser_failure_limit", default: 5, min: 1, max: 1000 },
  lockoutSeconds: { name: "lockout_seconds", default: 300, min: 1, max: 86_400 },
};

/** The options with their defaults; throws at boot for an unknown name or a value that is not an integer in bounds. */
export function parseDeviceCodeOptions(raw: Readonly<Record<string, unknown>>): DeviceCodeOptions {
  const known = new Set(Object.values(SETTINGS).map((s) => s.name));
  const unknown = Object.keys(raw).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`unknown device-code options: ${unknown.join(", ")}`);
  const entries = Object.entries(SETTINGS).map(([field, setting]) => {
    const value = raw[setting.name] ?? setting.default;
    if (!Number.isInteger(value) || (value as number) < setting.min || (value as number) > setting.max) {
      throw new Error(`device-code option ${setting.name} must be an integer from ${setting.min} to ${setting.max}`);
    }
    return [field, value];
  });
  return Object.fromEntries(entries) as DeviceCodeOptions;
}
