// The operations of the /admin/ page (admins only): users with search, role and disabled
// state changes, the moderation log. Typed by codegen (npm run codegen after editing).
import { graphql } from '../gql';

graphql(`
  fragment AdminUserFields on User {
    id
    username
    role
    disabledAt
  }
`);

export const AdminUsersQuery = graphql(`
  query AdminUsers($query: String, $first: Int, $after: String) {
    users(query: $query, first: $first, after: $after) {
      edges {
        node {
          ...AdminUserFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const SetUserRoleMutation = graphql(`
  mutation SetUserRole($id: ID!, $role: Role!) {
    setUserRole(id: $id, role: $role) {
      ...AdminUserFields
    }
  }
`);

export const SetUserDisabledMutation = graphql(`
  mutation SetUserDisabled($id: ID!, $disabled: Boolean!) {
    setUserDisabled(id: $id, disabled: $disabled) {
      ...AdminUserFields
    }
  }
`);

export const ModerationLogQuery = graphql(`
  query ModerationLog($first: Int, $after: String) {
    moderationLog(first: $first, after: $after) {
      edges {
        node {
          id
          action
          actor {
            username
          }
          targetUser {
            username
          }
          room
          detail
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export type { AdminUserFieldsFragment as AdminUser, ModerationLogQuery as ModerationLogResult } from '../gql/graphql';
