// Open connections per client address: WebSockets and server-sent event streams count
// against the same MAX_CONNECTIONS_PER_IP, since either holds a subscription open.
export class ConnectionsPerAddress {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a place for a new connection of `address`, or says there is none. */
  tryOpen(address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (count >= this.max) return false;
    this.open.set(address, count + 1);
    return true;
  }

  /** Gives the place back when the connection ends. */
  close(address: string) {
    const left = (this.open.get(address) ?? 1) - 1;
    if (left > 0) this.open.set(address, left);
    else this.open.delete(address);
  }

  /** Whether `address` could open another connection now. */
  hasRoom(address: string): boolean {
    return (this.open.get(address) ?? 0) < this.max;
  }
}
