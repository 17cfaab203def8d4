import { appendFile } from "node:fs/promises";
import { inject, injectable, PluginTokens, type AuditEvent, type AuditSink } from "portcullis/plugin-sdk";

/** Appends each audit event as one JSON line (JSON Lines) to the file named by the module's `path` option. */
@injectable()
export class JsonLinesFileAuditSink implements AuditSink {
  readonly id = "json-lines-file";
  private readonly path: string;
  /** Writes run one after another, so lines keep the order of the events and never interleave. */
  private tail: Promise<void> = Promise.resolve();

  constructor(@inject(PluginTokens.Options) options: Readonly<Record<string, unknown>>) {
    this.path = options.path as string;
  }

  record(event: AuditEvent): Promise<void> {
    const line = `${JSON.stringify(event)}\n`;
    const written = this.tail.then(() => appendFile(this.path, line, { encoding: "utf8", mode: 0o600 }));
    this.tail = written.catch(() => undefined);
    return written;
  }
}
