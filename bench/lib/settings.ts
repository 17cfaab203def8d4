/** What every run measures and for how long (bench/README.md "What is measured"). */
export interface BenchSettings {
  /** Concurrent keep-alive HTTP connections, and concurrent in-flight gRPC calls. */
  connections: number;
  /** HTTP/2 channels the gRPC load spreads its in-flight calls over. */
  grpcChannels: number;
  /** h2load's gRPC load: HTTP/2 connections × concurrent streams on each. */
  h2loadConnections: number;
  h2loadStreams: number;
  /** Connection counts of the /token sweep (how cost grows with concurrency). */
  sweepConnections: number[];
  warmupSeconds: number;
  runSeconds: number;
  runs: number;
  /** Core the server under test is pinned to, and the core of the load generator. */
  serverCore: number;
  loadCore: number;
  /** Before each run, wait (at most quietMaxWaitMs) until both cores are below quietPct % busy. */
  quietPct: number;
  quietMaxWaitMs: number;
  /** A run during which other processes took more than quietPct % of a bench core is redone up to this many times (the least disturbed attempt is kept). */
  retries: number;
  /** Hard cap on the whole bench (ms): the orchestrator aborts and cleans up after it. */
  deadlineMs: number;
}

export const FULL: BenchSettings = {
  connections: 64,
  grpcChannels: 4,
  h2loadConnections: 16,
  h2loadStreams: 10,
  sweepConnections: [16, 64, 256],
  warmupSeconds: 5,
  runSeconds: 10,
  runs: 3,
  serverCore: 0,
  loadCore: 1,
  quietPct: 10,
  quietMaxWaitMs: 30_000,
  retries: 1,
  deadlineMs: 25 * 60_000,
};

export const QUICK: BenchSettings = { ...FULL, warmupSeconds: 1, runSeconds: 3, runs: 1, quietMaxWaitMs: 5_000, retries: 0, deadlineMs: 5 * 60_000 };

/** The one request every target answers: the same client_credentials grant for the same resource scope. */
export const TOKEN_REQUEST = {
  path: "/token",
  body: "grant_type=client_credentials&scope=api%3Aread",
  scope: "api:read",
  resource: "https://api.example.test/",
} as const;

/** The introspection scenario (RFC 7662): an opaque access token for a second resource, introspected by the client it was issued to. */
export const INTROSPECTION = {
  scope: "opaque:read",
  resource: "https://opaque.example.test/",
  tokenBody: `grant_type=client_credentials&scope=opaque%3Aread&resource=${encodeURIComponent("https://opaque.example.test/")}`,
} as const;

/** The browserless authorization code flow every target with one runs (bench/README.md "Authorization code flow"). */
export const CODE_FLOW = {
  /** ID token plus the resource scope, so the access token is the same ES256 JWT as in the token scenario. */
  scope: `openid ${TOKEN_REQUEST.scope}`,
  /** Registered for the bench client; nothing listens there: the load reads the code from the Location header. */
  redirectUri: "http://127.0.0.1:8080/cb",
  username: "bench-user",
} as const;

/** Loopback only: every server binds here and every request goes here. */
export const HOST = "127.0.0.1";
