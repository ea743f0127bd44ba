// Entry: one WebSocket, one urql client, the app.
import { render } from 'solid-js/web';
import { Provider } from '@urql/solid';
import { createSocket } from './graphql/socket';
import { createGraphQLClient } from './graphql/client';
import { loadMe } from './session';
import { loadLimits } from './limits';
import { App } from './App';
import './styles.css';

const socket = createSocket();
const client = createGraphQLClient(socket);
void loadMe(client);
void loadLimits(client);

render(
  () => (
    <Provider value={client}>
      <App />
    </Provider>
  ),
  document.getElementById('app')!,
);
