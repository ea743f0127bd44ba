// Membership: who belongs to which room, and so who may see it. The one place that says
// who sees what:
// - a public room is open to everyone (reading, subscribing); sending to it joins the sender;
// - a private or direct room exists only for its members: to anyone else every read path
//   answers as for a room nobody has used (visibleRoom), and writes are refused;
// - removing a member (or leaving) ends their open streams of that room on every process:
//   the change goes out on the user's own channel (delivery/user-channels.ts), which also
//   tells their other devices (viewerEvents).
// Joins and leaves are room events (MemberJoined / MemberLeft), published like messages.
import { AppError, badInput } from '../errors.js';
import type { UserChannels } from '../delivery/user-channels.js';
import type { RateLimits } from '../limits/rate-limits.js';
import type { UserRef } from './message.js';
import type { MemberEvent } from './events.js';
import type { Publisher } from './publisher.js';
import { roomName } from './rules.js';
import type { ChatStore, MembershipInfo, RoomInfo, Visibility } from './store.js';
import { unusedRoom } from './store/reads.js';

/** What a user's own channel carries: their memberships and read positions changed. */
export interface ViewerChange {
  userId: string;
  kind: 'added' | 'removed' | 'read';
  room: string;
}

export interface Viewer extends UserRef {}

const TOPIC_MAX = 250;
const CACHE_MAX = 50_000;

const notMember = () => new AppError('FORBIDDEN', 'You are not a member of this room.');
const privateRoom = () => new AppError('FORBIDDEN', 'This room is private: a member can add you.');

export class Membership {
  /** Room name → visibility, of rooms that exist (it never changes once a room exists). */
  private readonly visibilities = new Map<string, Visibility>();

  constructor(
    private readonly store: ChatStore,
    private readonly publisher: Publisher,
    readonly channels: UserChannels<ViewerChange>,
    private readonly findUser: (username: string) => Promise<UserRef | null>,
    /** Creating a room (createRoom, joining or opening one nobody used) counts against RATE_NEW_ROOMS_PER_HOUR. */
    private readonly limits: Pick<RateLimits, 'newRoom'>,
  ) {}

  // --- Who sees what -------------------------------------------------------------------

  /** The room as `viewer` may see it: a private room they are not in is shown as an unused one. */
  async visibleRoom(rawName: string, viewer: Viewer | null | undefined): Promise<{ room: RoomInfo; member: MembershipInfo | null }> {
    const room = await this.store.room(rawName);
    if (room.id) this.remember(room.name, room.visibility);
    const member = viewer && room.id ? await this.store.members.membership(room.name, viewer.id) : null;
    if (room.visibility !== 'public' && !member) return { room: unusedRoom(room.name), member: null };
    return { room, member };
  }

  /** Whether `viewer` may read the room (cheap after the first look). */
  async canRead(name: string, viewer: Viewer | null | undefined): Promise<boolean> {
    const visibility = await this.visibility(name);
    if (visibility === 'public') return true;
    return !!viewer && (await this.isMember(name, viewer.id));
  }

  /**
   * Before a send in a room: a private room's non-member is refused. A public room's
   * non-member joins it in the send's own transaction (store/writes.ts: a MemberJoined just
   * before their message), which then calls joinedBySending. `exists`: whether the room
   * was created before (by a message, createRoom, joinRoom…), for the new-rooms limit.
   */
  async beforeWrite(name: string, sender: Viewer): Promise<{ visibility: Visibility; exists: boolean }> {
    const visibility = await this.visibility(name);
    if (visibility !== 'public' && !(await this.isMember(name, sender.id))) throw privateRoom();
    return { visibility, exists: this.visibilities.has(name) };
  }

  /** A sender joined a public room with their message: publish the MemberJoined, tell their devices. */
  joinedBySending(event: MemberEvent): Promise<void> {
    return this.applied({ event }, event.user!.id, event.room, 'public');
  }

  /** A room's visibility (cached once the room exists: it never changes). */
  async visibility(name: string): Promise<Visibility> {
    const known = this.visibilities.get(name);
    if (known) return known;
    const room = await this.store.room(name);
    if (room.id) this.remember(name, room.visibility);
    return room.visibility;
  }

  private remember(name: string, visibility: Visibility) {
    if (this.visibilities.size >= CACHE_MAX) this.visibilities.clear();
    this.visibilities.set(name, visibility);
  }

  /**
   * Whether the user is a member (asked for private and direct rooms only: public ones need
   * no membership to read, and senders join them in the send's transaction). Not cached:
   * this process hears of a removal made elsewhere only while it watches that user's
   * channel, so a cached membership could outlive a removal on another process.
   */
  private async isMember(name: string, userId: string): Promise<boolean> {
    return !!(await this.store.members.membership(name, userId));
  }

  // --- Changes -------------------------------------------------------------------------

  async createRoom(rawName: string, visibility: Visibility, rawTopic: string | null | undefined, viewer: Viewer): Promise<RoomInfo> {
    const name = roomName(rawName);
    if (visibility === 'direct') throw badInput('Direct rooms are opened with openDirectRoom(username).', { field: 'visibility' });
    await this.limits.newRoom(viewer.id);
    const change = await this.store.members.create(name, visibility, topic(rawTopic), viewer);
    await this.applied(change, viewer.id, name, visibility);
    return change.membership!.room;
  }

  async joinRoom(rawName: string, viewer: Viewer): Promise<MembershipInfo> {
    const name = roomName(rawName);
    const visibility = await this.visibility(name);
    if (visibility !== 'public' && !(await this.isMember(name, viewer.id))) throw privateRoom();
    if (!this.visibilities.has(name)) await this.limits.newRoom(viewer.id); // nobody used it yet: joining creates it
    const change = await this.store.members.join(name, viewer);
    await this.applied(change, viewer.id, name, visibility);
    return change.membership!;
  }

  async leaveRoom(rawName: string, viewer: Viewer): Promise<boolean> {
    const { room, member } = await this.visibleRoom(rawName, viewer);
    if (!member || !room.id) return false;
    const change = await this.store.members.leave(room.id, viewer);
    await this.applied(change, viewer.id, room.name, room.visibility);
    return change.event !== null;
  }

  /** A member of a private room adds someone. */
  async addMember(rawName: string, username: string, viewer: Viewer): Promise<MembershipInfo> {
    const { room, member } = await this.visibleRoom(rawName, viewer);
    // A non-member is told the room is private, as sendMessage and joinRoom tell them (not
    // "use joinRoom", which the room they see as unused would get, and which they cannot).
    if (!member && (await this.visibility(room.name)) !== 'public') throw privateRoom();
    if (room.visibility === 'public') throw badInput('Anyone can join a public room: they use joinRoom.', { field: 'room' });
    if (room.visibility === 'direct') throw badInput('A direct room has exactly two members.', { field: 'room' });
    const user = await this.user(username);
    const change = await this.store.members.join(room.name, user);
    await this.applied(change, user.id, room.name, room.visibility);
    return change.membership!;
  }

  /** The room's creator or an admin removes a member. */
  async removeMember(rawName: string, username: string, viewer: Viewer): Promise<boolean> {
    // Admins moderate every room, private ones included (without reading them).
    const { room, member } = viewer.role === 'admin' ? await this.moderated(rawName) : await this.visibleRoom(rawName, viewer);
    if (!room.id || (!member && viewer.role !== 'admin')) throw notMember();
    if (room.creatorId !== viewer.id && viewer.role !== 'admin') {
      throw new AppError('FORBIDDEN', "Only the room's creator or an admin can remove members.");
    }
    const user = await this.user(username);
    const change = await this.store.members.leave(room.id, user);
    await this.applied(change, user.id, room.name, room.visibility);
    return change.event !== null;
  }

  /** The direct room of the viewer and another user: the same room every time, from either side. */
  async openDirect(username: string, viewer: Viewer): Promise<RoomInfo> {
    const other = await this.user(username);
    if (!(await this.store.members.directRoomExists(viewer.id, other.id))) await this.limits.newRoom(viewer.id);
    const { room, changes } = await this.store.members.direct(viewer, other);
    for (const change of changes) await this.applied(change, change.membership!.user.id, room.name, 'direct');
    return room;
  }

  /** Moves the viewer's read position forward (never back). */
  async markRead(rawName: string, seq: number, viewer: Viewer): Promise<MembershipInfo> {
    if (!Number.isInteger(seq) || seq < 0) throw badInput('`seq` must be an integer ≥ 0.', { field: 'seq' });
    const { room, member } = await this.visibleRoom(rawName, viewer);
    if (!member || !room.id) throw notMember();
    const moved = await this.store.members.markRead(room.id, viewer.id, seq);
    if (!moved) throw notMember();
    if (moved.lastReadSeq !== member.lastReadSeq) await this.tell({ userId: viewer.id, kind: 'read', room: room.name });
    return moved;
  }

  async setTopic(rawName: string, rawTopic: string | null | undefined, viewer: Viewer): Promise<RoomInfo> {
    const { room, member } = viewer.role === 'admin' ? await this.moderated(rawName) : await this.visibleRoom(rawName, viewer);
    if (!room.id) throw notMember();
    const refused = topicRefusal(room, viewer, !!member);
    if (refused) throw refused;
    return this.store.members.setTopic(room.id, topic(rawTopic));
  }

  /**
   * Whether `viewer` may set the topic of `room` (as visibleRoom showed it to them): what
   * setTopic allows, for the page to offer it only to them.
   */
  async canSetTopic(room: RoomInfo, viewer: Viewer | null | undefined): Promise<boolean> {
    if (!viewer || !room.id) return false;
    const member = viewer.role !== 'admin' && (await this.isMember(room.name, viewer.id));
    return topicRefusal(room, viewer, member) === null;
  }

  /** A room as an admin acts on it: unmasked, whether or not they are a member. */
  private async moderated(rawName: string): Promise<{ room: RoomInfo; member: null }> {
    return { room: await this.store.room(rawName), member: null };
  }

  private async user(username: string): Promise<UserRef> {
    const user = await this.findUser(username);
    if (!user) throw new AppError('NOT_FOUND', `No user is called "${username}".`, { field: 'username' });
    return user;
  }

  /** After a committed membership change: publish its room event and tell the user's devices. */
  private async applied(change: { event: MemberEvent | null }, userId: string, room: string, visibility: Visibility) {
    if (!change.event) return;
    this.remember(room, visibility);
    await this.publisher.publish({ ...change.event, visibility });
    await this.tell({ userId, kind: change.event.kind === 'joined' ? 'added' : 'removed', room });
  }

  private tell(change: ViewerChange) {
    return this.channels.publish(change.userId, change);
  }

  // --- Streams -------------------------------------------------------------------------

  /** Watches the user's channel while a stream of theirs is open: `onChange` hears every change. */
  watch(userId: string, onChange: (change: ViewerChange) => void): Promise<() => void> {
    return this.channels.subscribe(userId, onChange);
  }

  /** Ends a stream of a room when its viewer stops being a member (left or removed, any process). */
  async guard(viewer: Viewer | null | undefined, room: string, end: (err: AppError) => void): Promise<() => void> {
    if (!viewer) return () => {};
    return this.watch(viewer.id, (change) => {
      if (change.kind === 'removed' && change.room === room) end(new AppError('FORBIDDEN', 'You are no longer a member of this room.'));
    });
  }

  /** Non-public rooms the user is in (for roomActivity). */
  privateRoomsOf(userId: string): Promise<string[]> {
    return this.store.members.privateRoomsOf(userId);
  }
}

function topic(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  if ([...raw].length > TOPIC_MAX) throw badInput(`A topic is at most ${TOPIC_MAX} characters.`, { field: 'topic' });
  return raw.trim();
}

/**
 * Who may set a room's topic, for setTopic and canSetTopic alike: an admin; otherwise a
 * member, and in a public room only its creator. Null when `viewer` may; else the refusal.
 */
function topicRefusal(room: RoomInfo, viewer: Viewer, member: boolean): AppError | null {
  if (viewer.role === 'admin') return null;
  if (!member) return notMember();
  if (room.visibility === 'public' && room.creatorId !== viewer.id) {
    return new AppError('FORBIDDEN', "Only the room's creator or an admin can set a public room's topic.");
  }
  return null;
}
