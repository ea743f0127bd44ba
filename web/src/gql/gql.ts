/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AdminUserFields on User {\n    id\n    username\n    role\n    disabledAt\n  }\n": typeof types.AdminUserFieldsFragmentDoc,
    "\n  query AdminUsers($query: String, $first: Int, $after: String) {\n    users(query: $query, first: $first, after: $after) {\n      edges {\n        node {\n          ...AdminUserFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AdminUsersDocument,
    "\n  mutation SetUserRole($id: ID!, $role: Role!) {\n    setUserRole(id: $id, role: $role) {\n      ...AdminUserFields\n    }\n  }\n": typeof types.SetUserRoleDocument,
    "\n  mutation SetUserDisabled($id: ID!, $disabled: Boolean!) {\n    setUserDisabled(id: $id, disabled: $disabled) {\n      ...AdminUserFields\n    }\n  }\n": typeof types.SetUserDisabledDocument,
    "\n  query ModerationLog($first: Int, $after: String) {\n    moderationLog(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          action\n          actor {\n            username\n          }\n          targetUser {\n            username\n          }\n          room\n          detail\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ModerationLogDocument,
    "\n  fragment UserFields on User {\n    id\n    username\n  }\n": typeof types.UserFieldsFragmentDoc,
    "\n  fragment MessageFields on Message {\n    id\n    seq\n    room\n    content\n    version\n    clientId\n    createdAt\n    editedAt\n    deletedAt\n    sender {\n      ...UserFields\n    }\n    mentions {\n      ...UserFields\n    }\n  }\n": typeof types.MessageFieldsFragmentDoc,
    "\n  query Me {\n    me {\n      ...UserFields\n      role\n    }\n  }\n": typeof types.MeDocument,
    "\n  query Limits {\n    limits {\n      maxMessageLength\n    }\n  }\n": typeof types.LimitsDocument,
    "\n  mutation SignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      user {\n        ...UserFields\n        role\n      }\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation SignUp($username: String!, $password: String!) {\n    signUp(username: $username, password: $password) {\n      user {\n        ...UserFields\n        role\n      }\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": typeof types.SignOutDocument,
    "\n  query Rooms($first: Int) {\n    rooms(first: $first) {\n      edges {\n        node {\n          name\n          lastSeq\n          lastMessageAt\n          lastMessage {\n            id\n            seq\n            version\n            content\n            createdAt\n            editedAt\n            deletedAt\n            sender {\n              ...UserFields\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.RoomsDocument,
    "\n  subscription RoomActivity {\n    roomActivity {\n      ...MessageFields\n    }\n  }\n": typeof types.RoomActivityDocument,
    "\n  query RoomMessages($name: String!, $before: String) {\n    room(name: $name) {\n      name\n      version\n      visibility\n      topic\n      viewerCanSetTopic\n      viewerMembership {\n        lastReadSeq\n      }\n      messages(last: 50, before: $before) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": typeof types.RoomMessagesDocument,
    "\n  subscription RoomEvents($room: String!, $after: Int) {\n    roomEvents(room: $room, after: $after) {\n      __typename\n      version\n      ... on MemberJoined {\n        user {\n          ...UserFields\n        }\n      }\n      ... on MemberLeft {\n        user {\n          ...UserFields\n        }\n      }\n      ... on MessagePosted {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on MessageEdited {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on MessageDeleted {\n        message {\n          ...MessageFields\n        }\n      }\n    }\n  }\n": typeof types.RoomEventsDocument,
    "\n  mutation SendMessage($room: String!, $content: String!, $clientId: String) {\n    sendMessage(room: $room, content: $content, clientId: $clientId) {\n      ...MessageFields\n    }\n  }\n": typeof types.SendMessageDocument,
    "\n  mutation EditMessage($id: ID!, $content: String!) {\n    editMessage(id: $id, content: $content) {\n      ...MessageFields\n    }\n  }\n": typeof types.EditMessageDocument,
    "\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) {\n      ...MessageFields\n    }\n  }\n": typeof types.DeleteMessageDocument,
    "\n  fragment MembershipFields on Membership {\n    lastReadSeq\n    unreadCount\n    mentionCount\n    room {\n      id\n      name\n      visibility\n      topic\n      lastSeq\n      lastMessageAt\n    }\n  }\n": typeof types.MembershipFieldsFragmentDoc,
    "\n  query DirectPeers($first: Int) {\n    rooms(first: $first, visibility: DIRECT) {\n      edges {\n        node {\n          name\n          members(first: 2) {\n            edges {\n              node {\n                user {\n                  id\n                  username\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.DirectPeersDocument,
    "\n  query MyRooms($first: Int) {\n    myRooms(first: $first) {\n      edges {\n        node {\n          ...MembershipFields\n        }\n      }\n    }\n  }\n": typeof types.MyRoomsDocument,
    "\n  subscription ViewerEvents {\n    viewerEvents {\n      __typename\n      room\n      ... on MembershipAdded {\n        membership {\n          ...MembershipFields\n        }\n      }\n      ... on ReadPositionChanged {\n        membership {\n          ...MembershipFields\n        }\n      }\n    }\n  }\n": typeof types.ViewerEventsDocument,
    "\n  query PublicRooms($first: Int) {\n    rooms(first: $first, visibility: PUBLIC) {\n      edges {\n        node {\n          name\n          topic\n          lastMessageAt\n        }\n      }\n    }\n  }\n": typeof types.PublicRoomsDocument,
    "\n  query RoomMembers($name: String!, $first: Int) {\n    room(name: $name) {\n      name\n      visibility\n      members(first: $first) {\n        edges {\n          node {\n            user {\n              ...UserFields\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n        }\n      }\n    }\n  }\n": typeof types.RoomMembersDocument,
    "\n  mutation CreateRoom($name: String!, $visibility: RoomVisibility!, $topic: String) {\n    createRoom(name: $name, visibility: $visibility, topic: $topic) {\n      name\n    }\n  }\n": typeof types.CreateRoomDocument,
    "\n  mutation JoinRoom($room: String!) {\n    joinRoom(room: $room) {\n      ...MembershipFields\n    }\n  }\n": typeof types.JoinRoomDocument,
    "\n  mutation LeaveRoom($room: String!) {\n    leaveRoom(room: $room)\n  }\n": typeof types.LeaveRoomDocument,
    "\n  mutation AddMember($room: String!, $username: String!) {\n    addMember(room: $room, username: $username) {\n      user {\n        ...UserFields\n      }\n    }\n  }\n": typeof types.AddMemberDocument,
    "\n  mutation RemoveMember($room: String!, $username: String!) {\n    removeMember(room: $room, username: $username)\n  }\n": typeof types.RemoveMemberDocument,
    "\n  mutation SetRoomTopic($room: String!, $topic: String) {\n    setRoomTopic(room: $room, topic: $topic) {\n      name\n      topic\n    }\n  }\n": typeof types.SetRoomTopicDocument,
    "\n  mutation OpenDirectRoom($username: String!) {\n    openDirectRoom(username: $username) {\n      name\n    }\n  }\n": typeof types.OpenDirectRoomDocument,
    "\n  mutation MarkRead($room: String!, $seq: Int!) {\n    markRead(room: $room, seq: $seq) {\n      ...MembershipFields\n    }\n  }\n": typeof types.MarkReadDocument,
};
const documents: Documents = {
    "\n  fragment AdminUserFields on User {\n    id\n    username\n    role\n    disabledAt\n  }\n": types.AdminUserFieldsFragmentDoc,
    "\n  query AdminUsers($query: String, $first: Int, $after: String) {\n    users(query: $query, first: $first, after: $after) {\n      edges {\n        node {\n          ...AdminUserFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AdminUsersDocument,
    "\n  mutation SetUserRole($id: ID!, $role: Role!) {\n    setUserRole(id: $id, role: $role) {\n      ...AdminUserFields\n    }\n  }\n": types.SetUserRoleDocument,
    "\n  mutation SetUserDisabled($id: ID!, $disabled: Boolean!) {\n    setUserDisabled(id: $id, disabled: $disabled) {\n      ...AdminUserFields\n    }\n  }\n": types.SetUserDisabledDocument,
    "\n  query ModerationLog($first: Int, $after: String) {\n    moderationLog(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          action\n          actor {\n            username\n          }\n          targetUser {\n            username\n          }\n          room\n          detail\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ModerationLogDocument,
    "\n  fragment UserFields on User {\n    id\n    username\n  }\n": types.UserFieldsFragmentDoc,
    "\n  fragment MessageFields on Message {\n    id\n    seq\n    room\n    content\n    version\n    clientId\n    createdAt\n    editedAt\n    deletedAt\n    sender {\n      ...UserFields\n    }\n    mentions {\n      ...UserFields\n    }\n  }\n": types.MessageFieldsFragmentDoc,
    "\n  query Me {\n    me {\n      ...UserFields\n      role\n    }\n  }\n": types.MeDocument,
    "\n  query Limits {\n    limits {\n      maxMessageLength\n    }\n  }\n": types.LimitsDocument,
    "\n  mutation SignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      user {\n        ...UserFields\n        role\n      }\n    }\n  }\n": types.SignInDocument,
    "\n  mutation SignUp($username: String!, $password: String!) {\n    signUp(username: $username, password: $password) {\n      user {\n        ...UserFields\n        role\n      }\n    }\n  }\n": types.SignUpDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": types.SignOutDocument,
    "\n  query Rooms($first: Int) {\n    rooms(first: $first) {\n      edges {\n        node {\n          name\n          lastSeq\n          lastMessageAt\n          lastMessage {\n            id\n            seq\n            version\n            content\n            createdAt\n            editedAt\n            deletedAt\n            sender {\n              ...UserFields\n            }\n          }\n        }\n      }\n    }\n  }\n": types.RoomsDocument,
    "\n  subscription RoomActivity {\n    roomActivity {\n      ...MessageFields\n    }\n  }\n": types.RoomActivityDocument,
    "\n  query RoomMessages($name: String!, $before: String) {\n    room(name: $name) {\n      name\n      version\n      visibility\n      topic\n      viewerCanSetTopic\n      viewerMembership {\n        lastReadSeq\n      }\n      messages(last: 50, before: $before) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": types.RoomMessagesDocument,
    "\n  subscription RoomEvents($room: String!, $after: Int) {\n    roomEvents(room: $room, after: $after) {\n      __typename\n      version\n      ... on MemberJoined {\n        user {\n          ...UserFields\n        }\n      }\n      ... on MemberLeft {\n        user {\n          ...UserFields\n        }\n      }\n      ... on MessagePosted {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on MessageEdited {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on MessageDeleted {\n        message {\n          ...MessageFields\n        }\n      }\n    }\n  }\n": types.RoomEventsDocument,
    "\n  mutation SendMessage($room: String!, $content: String!, $clientId: String) {\n    sendMessage(room: $room, content: $content, clientId: $clientId) {\n      ...MessageFields\n    }\n  }\n": types.SendMessageDocument,
    "\n  mutation EditMessage($id: ID!, $content: String!) {\n    editMessage(id: $id, content: $content) {\n      ...MessageFields\n    }\n  }\n": types.EditMessageDocument,
    "\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) {\n      ...MessageFields\n    }\n  }\n": types.DeleteMessageDocument,
    "\n  fragment MembershipFields on Membership {\n    lastReadSeq\n    unreadCount\n    mentionCount\n    room {\n      id\n      name\n      visibility\n      topic\n      lastSeq\n      lastMessageAt\n    }\n  }\n": types.MembershipFieldsFragmentDoc,
    "\n  query DirectPeers($first: Int) {\n    rooms(first: $first, visibility: DIRECT) {\n      edges {\n        node {\n          name\n          members(first: 2) {\n            edges {\n              node {\n                user {\n                  id\n                  username\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.DirectPeersDocument,
    "\n  query MyRooms($first: Int) {\n    myRooms(first: $first) {\n      edges {\n        node {\n          ...MembershipFields\n        }\n      }\n    }\n  }\n": types.MyRoomsDocument,
    "\n  subscription ViewerEvents {\n    viewerEvents {\n      __typename\n      room\n      ... on MembershipAdded {\n        membership {\n          ...MembershipFields\n        }\n      }\n      ... on ReadPositionChanged {\n        membership {\n          ...MembershipFields\n        }\n      }\n    }\n  }\n": types.ViewerEventsDocument,
    "\n  query PublicRooms($first: Int) {\n    rooms(first: $first, visibility: PUBLIC) {\n      edges {\n        node {\n          name\n          topic\n          lastMessageAt\n        }\n      }\n    }\n  }\n": types.PublicRoomsDocument,
    "\n  query RoomMembers($name: String!, $first: Int) {\n    room(name: $name) {\n      name\n      visibility\n      members(first: $first) {\n        edges {\n          node {\n            user {\n              ...UserFields\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n        }\n      }\n    }\n  }\n": types.RoomMembersDocument,
    "\n  mutation CreateRoom($name: String!, $visibility: RoomVisibility!, $topic: String) {\n    createRoom(name: $name, visibility: $visibility, topic: $topic) {\n      name\n    }\n  }\n": types.CreateRoomDocument,
    "\n  mutation JoinRoom($room: String!) {\n    joinRoom(room: $room) {\n      ...MembershipFields\n    }\n  }\n": types.JoinRoomDocument,
    "\n  mutation LeaveRoom($room: String!) {\n    leaveRoom(room: $room)\n  }\n": types.LeaveRoomDocument,
    "\n  mutation AddMember($room: String!, $username: String!) {\n    addMember(room: $room, username: $username) {\n      user {\n        ...UserFields\n      }\n    }\n  }\n": types.AddMemberDocument,
    "\n  mutation RemoveMember($room: String!, $username: String!) {\n    removeMember(room: $room, username: $username)\n  }\n": types.RemoveMemberDocument,
    "\n  mutation SetRoomTopic($room: String!, $topic: String) {\n    setRoomTopic(room: $room, topic: $topic) {\n      name\n      topic\n    }\n  }\n": types.SetRoomTopicDocument,
    "\n  mutation OpenDirectRoom($username: String!) {\n    openDirectRoom(username: $username) {\n      name\n    }\n  }\n": types.OpenDirectRoomDocument,
    "\n  mutation MarkRead($room: String!, $seq: Int!) {\n    markRead(room: $room, seq: $seq) {\n      ...MembershipFields\n    }\n  }\n": types.MarkReadDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AdminUserFields on User {\n    id\n    username\n    role\n    disabledAt\n  }\n"): (typeof documents)["\n  fragment AdminUserFields on User {\n    id\n    username\n    role\n    disabledAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUsers($query: String, $first: Int, $after: String) {\n    users(query: $query, first: $first, after: $after) {\n      edges {\n        node {\n          ...AdminUserFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminUsers($query: String, $first: Int, $after: String) {\n    users(query: $query, first: $first, after: $after) {\n      edges {\n        node {\n          ...AdminUserFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUserRole($id: ID!, $role: Role!) {\n    setUserRole(id: $id, role: $role) {\n      ...AdminUserFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetUserRole($id: ID!, $role: Role!) {\n    setUserRole(id: $id, role: $role) {\n      ...AdminUserFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUserDisabled($id: ID!, $disabled: Boolean!) {\n    setUserDisabled(id: $id, disabled: $disabled) {\n      ...AdminUserFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetUserDisabled($id: ID!, $disabled: Boolean!) {\n    setUserDisabled(id: $id, disabled: $disabled) {\n      ...AdminUserFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModerationLog($first: Int, $after: String) {\n    moderationLog(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          action\n          actor {\n            username\n          }\n          targetUser {\n            username\n          }\n          room\n          detail\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModerationLog($first: Int, $after: String) {\n    moderationLog(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          action\n          actor {\n            username\n          }\n          targetUser {\n            username\n          }\n          room\n          detail\n          createdAt\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserFields on User {\n    id\n    username\n  }\n"): (typeof documents)["\n  fragment UserFields on User {\n    id\n    username\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MessageFields on Message {\n    id\n    seq\n    room\n    content\n    version\n    clientId\n    createdAt\n    editedAt\n    deletedAt\n    sender {\n      ...UserFields\n    }\n    mentions {\n      ...UserFields\n    }\n  }\n"): (typeof documents)["\n  fragment MessageFields on Message {\n    id\n    seq\n    room\n    content\n    version\n    clientId\n    createdAt\n    editedAt\n    deletedAt\n    sender {\n      ...UserFields\n    }\n    mentions {\n      ...UserFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      ...UserFields\n      role\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      ...UserFields\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Limits {\n    limits {\n      maxMessageLength\n    }\n  }\n"): (typeof documents)["\n  query Limits {\n    limits {\n      maxMessageLength\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      user {\n        ...UserFields\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      user {\n        ...UserFields\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($username: String!, $password: String!) {\n    signUp(username: $username, password: $password) {\n      user {\n        ...UserFields\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($username: String!, $password: String!) {\n    signUp(username: $username, password: $password) {\n      user {\n        ...UserFields\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOut {\n    signOut\n  }\n"): (typeof documents)["\n  mutation SignOut {\n    signOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Rooms($first: Int) {\n    rooms(first: $first) {\n      edges {\n        node {\n          name\n          lastSeq\n          lastMessageAt\n          lastMessage {\n            id\n            seq\n            version\n            content\n            createdAt\n            editedAt\n            deletedAt\n            sender {\n              ...UserFields\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Rooms($first: Int) {\n    rooms(first: $first) {\n      edges {\n        node {\n          name\n          lastSeq\n          lastMessageAt\n          lastMessage {\n            id\n            seq\n            version\n            content\n            createdAt\n            editedAt\n            deletedAt\n            sender {\n              ...UserFields\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RoomActivity {\n    roomActivity {\n      ...MessageFields\n    }\n  }\n"): (typeof documents)["\n  subscription RoomActivity {\n    roomActivity {\n      ...MessageFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomMessages($name: String!, $before: String) {\n    room(name: $name) {\n      name\n      version\n      visibility\n      topic\n      viewerCanSetTopic\n      viewerMembership {\n        lastReadSeq\n      }\n      messages(last: 50, before: $before) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query RoomMessages($name: String!, $before: String) {\n    room(name: $name) {\n      name\n      version\n      visibility\n      topic\n      viewerCanSetTopic\n      viewerMembership {\n        lastReadSeq\n      }\n      messages(last: 50, before: $before) {\n        edges {\n          node {\n            ...MessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RoomEvents($room: String!, $after: Int) {\n    roomEvents(room: $room, after: $after) {\n      __typename\n      version\n      ... on MemberJoined {\n        user {\n          ...UserFields\n        }\n      }\n      ... on MemberLeft {\n        user {\n          ...UserFields\n        }\n      }\n      ... on MessagePosted {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on MessageEdited {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on MessageDeleted {\n        message {\n          ...MessageFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription RoomEvents($room: String!, $after: Int) {\n    roomEvents(room: $room, after: $after) {\n      __typename\n      version\n      ... on MemberJoined {\n        user {\n          ...UserFields\n        }\n      }\n      ... on MemberLeft {\n        user {\n          ...UserFields\n        }\n      }\n      ... on MessagePosted {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on MessageEdited {\n        message {\n          ...MessageFields\n        }\n      }\n      ... on MessageDeleted {\n        message {\n          ...MessageFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($room: String!, $content: String!, $clientId: String) {\n    sendMessage(room: $room, content: $content, clientId: $clientId) {\n      ...MessageFields\n    }\n  }\n"): (typeof documents)["\n  mutation SendMessage($room: String!, $content: String!, $clientId: String) {\n    sendMessage(room: $room, content: $content, clientId: $clientId) {\n      ...MessageFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EditMessage($id: ID!, $content: String!) {\n    editMessage(id: $id, content: $content) {\n      ...MessageFields\n    }\n  }\n"): (typeof documents)["\n  mutation EditMessage($id: ID!, $content: String!) {\n    editMessage(id: $id, content: $content) {\n      ...MessageFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) {\n      ...MessageFields\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) {\n      ...MessageFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MembershipFields on Membership {\n    lastReadSeq\n    unreadCount\n    mentionCount\n    room {\n      id\n      name\n      visibility\n      topic\n      lastSeq\n      lastMessageAt\n    }\n  }\n"): (typeof documents)["\n  fragment MembershipFields on Membership {\n    lastReadSeq\n    unreadCount\n    mentionCount\n    room {\n      id\n      name\n      visibility\n      topic\n      lastSeq\n      lastMessageAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DirectPeers($first: Int) {\n    rooms(first: $first, visibility: DIRECT) {\n      edges {\n        node {\n          name\n          members(first: 2) {\n            edges {\n              node {\n                user {\n                  id\n                  username\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DirectPeers($first: Int) {\n    rooms(first: $first, visibility: DIRECT) {\n      edges {\n        node {\n          name\n          members(first: 2) {\n            edges {\n              node {\n                user {\n                  id\n                  username\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyRooms($first: Int) {\n    myRooms(first: $first) {\n      edges {\n        node {\n          ...MembershipFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyRooms($first: Int) {\n    myRooms(first: $first) {\n      edges {\n        node {\n          ...MembershipFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ViewerEvents {\n    viewerEvents {\n      __typename\n      room\n      ... on MembershipAdded {\n        membership {\n          ...MembershipFields\n        }\n      }\n      ... on ReadPositionChanged {\n        membership {\n          ...MembershipFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ViewerEvents {\n    viewerEvents {\n      __typename\n      room\n      ... on MembershipAdded {\n        membership {\n          ...MembershipFields\n        }\n      }\n      ... on ReadPositionChanged {\n        membership {\n          ...MembershipFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PublicRooms($first: Int) {\n    rooms(first: $first, visibility: PUBLIC) {\n      edges {\n        node {\n          name\n          topic\n          lastMessageAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PublicRooms($first: Int) {\n    rooms(first: $first, visibility: PUBLIC) {\n      edges {\n        node {\n          name\n          topic\n          lastMessageAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomMembers($name: String!, $first: Int) {\n    room(name: $name) {\n      name\n      visibility\n      members(first: $first) {\n        edges {\n          node {\n            user {\n              ...UserFields\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query RoomMembers($name: String!, $first: Int) {\n    room(name: $name) {\n      name\n      visibility\n      members(first: $first) {\n        edges {\n          node {\n            user {\n              ...UserFields\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRoom($name: String!, $visibility: RoomVisibility!, $topic: String) {\n    createRoom(name: $name, visibility: $visibility, topic: $topic) {\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateRoom($name: String!, $visibility: RoomVisibility!, $topic: String) {\n    createRoom(name: $name, visibility: $visibility, topic: $topic) {\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation JoinRoom($room: String!) {\n    joinRoom(room: $room) {\n      ...MembershipFields\n    }\n  }\n"): (typeof documents)["\n  mutation JoinRoom($room: String!) {\n    joinRoom(room: $room) {\n      ...MembershipFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LeaveRoom($room: String!) {\n    leaveRoom(room: $room)\n  }\n"): (typeof documents)["\n  mutation LeaveRoom($room: String!) {\n    leaveRoom(room: $room)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddMember($room: String!, $username: String!) {\n    addMember(room: $room, username: $username) {\n      user {\n        ...UserFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddMember($room: String!, $username: String!) {\n    addMember(room: $room, username: $username) {\n      user {\n        ...UserFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($room: String!, $username: String!) {\n    removeMember(room: $room, username: $username)\n  }\n"): (typeof documents)["\n  mutation RemoveMember($room: String!, $username: String!) {\n    removeMember(room: $room, username: $username)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetRoomTopic($room: String!, $topic: String) {\n    setRoomTopic(room: $room, topic: $topic) {\n      name\n      topic\n    }\n  }\n"): (typeof documents)["\n  mutation SetRoomTopic($room: String!, $topic: String) {\n    setRoomTopic(room: $room, topic: $topic) {\n      name\n      topic\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OpenDirectRoom($username: String!) {\n    openDirectRoom(username: $username) {\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation OpenDirectRoom($username: String!) {\n    openDirectRoom(username: $username) {\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkRead($room: String!, $seq: Int!) {\n    markRead(room: $room, seq: $seq) {\n      ...MembershipFields\n    }\n  }\n"): (typeof documents)["\n  mutation MarkRead($room: String!, $seq: Int!) {\n    markRead(room: $room, seq: $seq) {\n      ...MembershipFields\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;