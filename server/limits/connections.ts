// Caps on what one client address holds open at once:
// - connections: WebSockets and server-sent event streams together (MAX_CONNECTIONS_PER_IP),
//   since either holds subscriptions open;
// - requests in flight: other HTTP requests, from arrival until their answer has been
//   taken by the client (MAX_REQUESTS_IN_FLIGHT_PER_IP). An answer not yet read stays in
//   the server's memory, so this bounds what slow readers of big answers can hold.
export class PerAddressCap {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a place for `address`, or says there is none. */
  tryOpen(address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (count >= this.max) return false;
    this.open.set(address, count + 1);
    return true;
  }

  /** Gives the place back. */
  close(address: string) {
    const left = (this.open.get(address) ?? 1) - 1;
    if (left > 0) this.open.set(address, left);
    else this.open.delete(address);
  }

  /** Whether `address` could take another place now. */
  hasRoom(address: string): boolean {
    return (this.open.get(address) ?? 0) < this.max;
  }
}
