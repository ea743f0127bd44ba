// The bare baseline: a plain `ws` WebSocketServer, no GraphQL, no database, no Redis.
// A frame from the sender (the socket that connected to /sender) is broadcast as-is to
// every other client, then acknowledged to the sender with "a" so the bench's send
// window works the same way as with sendMessage.
//
//   PORT=0 HOST=127.0.0.1 tsx bench/baseline-ws.ts   → prints {"msg":"listening","port":N}
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

const server = createServer((_req, res) => {
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });

wss.on('connection', (socket, req) => {
  if (req.url !== '/sender') return;
  socket.on('message', (data, isBinary) => {
    for (const client of wss.clients) {
      if (client !== socket && client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    }
    socket.send('a');
  });
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ level: 30, pid: process.pid, port, msg: 'listening' }));
});

const stop = () => {
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
