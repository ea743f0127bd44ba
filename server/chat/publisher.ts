// Publishing a committed room event: the last step of every change (send, edit, delete,
// join, leave). It waits at most PUBLISH_TIMEOUT_MS before the caller answers anyway; a
// failed publish is logged and this process's subscribers read the event from the
// database at once (the others when the bus is back: delivery/room-feed.ts).
import type { Bus } from '../delivery/bus.js';
import type { Logger } from '../log.js';
import type { StoredEvent } from './events.js';

/** How long a change waits for its publish before answering anyway (ms). */
const PUBLISH_TIMEOUT_MS = 2000;

export class Publisher {
  constructor(
    private readonly bus: Bus<StoredEvent>,
    private readonly log: Logger,
    /** Called for a room whose publish failed: read what it stored from the database. */
    private readonly catchUp: (room: string) => void,
  ) {}

  async publish(event: StoredEvent): Promise<void> {
    const where = { room: event.room, version: event.version, kind: event.kind };
    const published = this.bus.publish(event).then(
      () => true,
      (err) => {
        this.log.error({ err, ...where }, 'publishing a stored event failed');
        this.catchUp(event.room);
        return true;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PUBLISH_TIMEOUT_MS)));
    const done = await Promise.race([published, late]);
    clearTimeout(timer);
    if (!done) this.log.warn({ ...where, timeoutMs: PUBLISH_TIMEOUT_MS }, 'publishing is slow; answered before it finished');
  }
}
