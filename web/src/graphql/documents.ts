// Every operation the web client sends, as typed documents (npm run codegen after editing).
import { graphql } from '../gql';

export const MeQuery = graphql(`
  query Me {
    me {
      id
      username
    }
  }
`);

export const SignInMutation = graphql(`
  mutation SignIn($username: String!, $password: String!) {
    signIn(username: $username, password: $password) {
      user {
        id
        username
      }
    }
  }
`);

export const SignUpMutation = graphql(`
  mutation SignUp($username: String!, $password: String!) {
    signUp(username: $username, password: $password) {
      user {
        id
        username
      }
    }
  }
`);

export const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);

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
            content
            createdAt
            sender {
              id
              username
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
      id
      room
      seq
      content
      createdAt
      sender {
        id
        username
      }
    }
  }
`);

export const RoomMessagesQuery = graphql(`
  query RoomMessages($name: String!, $last: Int, $before: String) {
    room(name: $name) {
      name
      lastSeq
      messages(last: $last, before: $before) {
        edges {
          node {
            id
            seq
            room
            content
            clientId
            createdAt
            sender {
              id
              username
            }
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

export const MessageAddedSubscription = graphql(`
  subscription MessageAdded($room: String!, $after: Int) {
    messageAdded(room: $room, after: $after) {
      id
      seq
      room
      content
      clientId
      createdAt
      sender {
        id
        username
      }
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($room: String!, $content: String!, $clientId: String) {
    sendMessage(room: $room, content: $content, clientId: $clientId) {
      id
      seq
      room
      content
      clientId
      createdAt
      sender {
        id
        username
      }
    }
  }
`);
