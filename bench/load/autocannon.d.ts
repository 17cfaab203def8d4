/** The slice of autocannon's programmatic API that http-load.ts uses (the package ships no types). */
declare module "autocannon" {
  /** One request template; `setupRequest` may rewrite it before each send. */
  interface RequestTemplate {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (request: RequestTemplate) => RequestTemplate;
  }
  interface Options {
    url: string;
    requests?: RequestTemplate[];
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    pipelining?: number;
    duration?: number;
    timeout?: number;
    /** Answers whose body differs count as mismatches. */
    expectBody?: string;
  }
  interface Histogram {
    p50: number;
    p99: number;
    average: number;
  }
  interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    mismatches: number;
    "2xx": number;
    latency: Histogram;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
