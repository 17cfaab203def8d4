/** Counts answers by route and status, to print after a run: how deep the mutations got (2xx means a request passed every check). */
export class StatusTally {
  private readonly counts = new Map<string, Map<number, number>>();

  record(route: string, status: number): void {
    const byStatus = this.counts.get(route) ?? new Map<number, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.counts.set(route, byStatus);
  }

  /** How many answers had a status in [from, to). */
  count(from: number, to: number): number {
    let total = 0;
    for (const byStatus of this.counts.values()) for (const [status, n] of byStatus) if (status >= from && status < to) total += n;
    return total;
  }

  /** One line per route: "route 200×3 400×41 …". */
  summary(): string {
    return [...this.counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([route, byStatus]) => `# ${route} ${[...byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ")}`)
      .join("\n");
  }
}
