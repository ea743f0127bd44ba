// The GraphQL schema: each file adds its types and root fields to the builder.
import { builder } from '../builder.js';
import './user.js';
import './auth.js';
import './message.js';
import './room.js';
import './room-event.js';
import './membership.js';
import './api-token.js';
import './limits.js';
import './admin.js';

export const schema = builder.toSchema({ sortSchema: false });
