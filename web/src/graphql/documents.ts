// Every operation the web client sends, as typed documents (npm run codegen after editing).
// A user and a message are selected by one fragment each; their generated types
// (UserFieldsFragment, MessageFieldsFragment in ../gql) are the client's User and Message.
import { graphql } from '../gql';

// The two fragments: spread by the operations below (the generated documents carry them).
graphql(`
  fragment UserFields on User {
    id
    username
  }
`);

graphql(`
  fragment MessageFields on Message {
    id
    seq
    room
    content
    version
    clientId
    createdAt
    editedAt
    deletedAt
    sender {
      ...UserFields
    }
    mentions {
      ...UserFields
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      ...UserFields
      role
    }
  }
`);

export const LimitsQuery = graphql(`
  query Limits {
    limits {
      maxMessageLength
    }
  }
`);

export const SignInMutation = graphql(`
  mutation SignIn($username: String!, $password: String!) {
    signIn(username: $username, password: $password) {
      user {
        ...UserFields
        role
      }
    }
  }
`);

export const SignUpMutation = graphql(`
  mutation SignUp($username: String!, $password: String!) {
    signUp(username: $username, password: $password) {
      user {
        ...UserFields
        role
      }
    }
  }
`);

export const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);

// The last message's own fields only: under the server's query cost limit with 50 rooms.
export const RoomsQuery = graphql(`
  query Rooms($first: Int) {
    rooms(first: $first) {
      edges {
        node {
          name
          lastSeq
          lastMessageAt
          lastMessage {
            id
            seq
            version
            content
            createdAt
            editedAt
            deletedAt
            sender {
              ...UserFields
            }
          }
        }
      }
    }
  }
`);

export const RoomActivitySubscription = graphql(`
  subscription RoomActivity {
    roomActivity {
      ...MessageFields
    }
  }
`);

// Pages of 50, written out: the server's query cost limit prices a variable page size as 100.
export const RoomMessagesQuery = graphql(`
  query RoomMessages($name: String!, $before: String) {
    room(name: $name) {
      name
      version
      visibility
      topic
      viewerCanSetTopic
      viewerMembership {
        lastReadSeq
      }
      messages(last: 50, before: $before) {
        edges {
          node {
            ...MessageFields
          }
        }
        pageInfo {
          hasPreviousPage
          startCursor
        }
      }
    }
  }
`);

// Every room page subscribes with this same selection, so the server executes and
// serialises each event once for all of them (server/delivery/broadcast.ts shareKey keys
// the sharing on the selection and its fragments, not on the room or `after`).
export const RoomEventsSubscription = graphql(`
  subscription RoomEvents($room: String!, $after: Int) {
    roomEvents(room: $room, after: $after) {
      __typename
      version
      ... on MemberJoined {
        user {
          ...UserFields
        }
      }
      ... on MemberLeft {
        user {
          ...UserFields
        }
      }
      ... on MessagePosted {
        message {
          ...MessageFields
        }
      }
      ... on MessageEdited {
        message {
          ...MessageFields
        }
      }
      ... on MessageDeleted {
        message {
          ...MessageFields
        }
      }
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($room: String!, $content: String!, $clientId: String) {
    sendMessage(room: $room, content: $content, clientId: $clientId) {
      ...MessageFields
    }
  }
`);

export const EditMessageMutation = graphql(`
  mutation EditMessage($id: ID!, $content: String!) {
    editMessage(id: $id, content: $content) {
      ...MessageFields
    }
  }
`);

export const DeleteMessageMutation = graphql(`
  mutation DeleteMessage($id: ID!) {
    deleteMessage(id: $id) {
      ...MessageFields
    }
  }
`);

// --- Membership: the sidebar (myRooms, kept current by roomActivity and viewerEvents),
// browsing public rooms, the members panel, read positions.

graphql(`
  fragment MembershipFields on Membership {
    lastReadSeq
    unreadCount
    mentionCount
    room {
      id
      name
      visibility
      topic
      lastSeq
      lastMessageAt
    }
  }
`);

// Who a direct room is with (its own name is an opaque id). Apart from MembershipFields: the
// server's depth limit counts fragment spreads, and viewerEvents would go past it.
export const DirectPeersQuery = graphql(`
  query DirectPeers($first: Int) {
    rooms(first: $first, visibility: DIRECT) {
      edges {
        node {
          name
          members(first: 2) {
            edges {
              node {
                user {
                  id
                  username
                }
              }
            }
          }
        }
      }
    }
  }
`);

export const MyRoomsQuery = graphql(`
  query MyRooms($first: Int) {
    myRooms(first: $first) {
      edges {
        node {
          ...MembershipFields
        }
      }
    }
  }
`);

export const ViewerEventsSubscription = graphql(`
  subscription ViewerEvents {
    viewerEvents {
      __typename
      room
      ... on MembershipAdded {
        membership {
          ...MembershipFields
        }
      }
      ... on ReadPositionChanged {
        membership {
          ...MembershipFields
        }
      }
    }
  }
`);

export const PublicRoomsQuery = graphql(`
  query PublicRooms($first: Int) {
    rooms(first: $first, visibility: PUBLIC) {
      edges {
        node {
          name
          topic
          lastMessageAt
        }
      }
    }
  }
`);

export const RoomMembersQuery = graphql(`
  query RoomMembers($name: String!, $first: Int) {
    room(name: $name) {
      name
      visibility
      members(first: $first) {
        edges {
          node {
            user {
              ...UserFields
            }
          }
        }
        pageInfo {
          hasNextPage
        }
      }
    }
  }
`);

export const CreateRoomMutation = graphql(`
  mutation CreateRoom($name: String!, $visibility: RoomVisibility!, $topic: String) {
    createRoom(name: $name, visibility: $visibility, topic: $topic) {
      name
    }
  }
`);

export const JoinRoomMutation = graphql(`
  mutation JoinRoom($room: String!) {
    joinRoom(room: $room) {
      ...MembershipFields
    }
  }
`);

export const LeaveRoomMutation = graphql(`
  mutation LeaveRoom($room: String!) {
    leaveRoom(room: $room)
  }
`);

export const AddMemberMutation = graphql(`
  mutation AddMember($room: String!, $username: String!) {
    addMember(room: $room, username: $username) {
      user {
        ...UserFields
      }
    }
  }
`);

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($room: String!, $username: String!) {
    removeMember(room: $room, username: $username)
  }
`);

export const SetRoomTopicMutation = graphql(`
  mutation SetRoomTopic($room: String!, $topic: String) {
    setRoomTopic(room: $room, topic: $topic) {
      name
      topic
    }
  }
`);

export const OpenDirectRoomMutation = graphql(`
  mutation OpenDirectRoom($username: String!) {
    openDirectRoom(username: $username) {
      name
    }
  }
`);

export const MarkReadMutation = graphql(`
  mutation MarkRead($room: String!, $seq: Int!) {
    markRead(room: $room, seq: $seq) {
      ...MembershipFields
    }
  }
`);

/** A membership as the sidebar holds it (the MembershipFields fragment). */
export type { MembershipFieldsFragment as MembershipSummary } from '../gql/graphql';

/** The signed-in user: a user and their role (me, signIn and signUp select it). */
export type Me = import('../gql/graphql').UserFieldsFragment & { role: import('../gql/graphql').Role };
/** A user as the client holds it (the UserFields fragment). */
export type { UserFieldsFragment as User } from '../gql/graphql';
/** A confirmed message as the client holds it (the MessageFields fragment). */
export type { MessageFieldsFragment as Message } from '../gql/graphql';
