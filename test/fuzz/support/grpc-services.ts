import { readdir } from "node:fs/promises";
import type { DescService } from "@bufbuild/protobuf";

const GEN = new URL("../../../gen/", import.meta.url);

/** Every service in the generated descriptors (gen/**\/*_pb.ts), so a new proto service is fuzzed without a change here. */
export async function generatedServices(): Promise<DescService[]> {
  const files = (await readdir(GEN, { recursive: true })).filter((file) => file.endsWith("_pb.ts")).sort();
  const services: DescService[] = [];
  for (const file of files) {
    const module = (await import(new URL(file, GEN).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) if (isService(value)) services.push(value);
  }
  return services;
}

function isService(value: unknown): value is DescService {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "service";
}
