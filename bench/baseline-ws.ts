// The bare baseline: a plain `ws` WebSocketServer, no GraphQL, no database, no Redis.
// A frame from the sender (the socket that connected to /sender) is broadcast as-is to
// every other client, then acknowledged to the sender with "a" so the bench's send
// window works the same way as with sendMessage.
// Rooms (the many-rooms scenario): a client that connected to /room/<name> is in that
// room; a sender frame that starts with "#<name>\n" goes to that room's clients only
// (the header is cut off), so the frames they receive are the same as without rooms.
//
//   PORT=0 HOST=127.0.0.1 tsx bench/baseline-ws.ts   → prints {"msg":"listening","port":N}
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

const server = createServer((_req, res) => {
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });

const rooms = new Map<string, Set<WebSocket>>();

wss.on('connection', (socket, req) => {
  if (req.url?.startsWith('/room/')) {
    const name = decodeURIComponent(req.url.slice('/room/'.length));
    const members = rooms.get(name) ?? rooms.set(name, new Set()).get(name)!;
    members.add(socket);
    socket.on('close', () => members.delete(socket));
    return;
  }
  if (req.url !== '/sender') return;
  socket.on('message', (data, isBinary) => {
    const buf = data as Buffer;
    if (buf[0] === 0x23 /* # */) {
      const eol = buf.indexOf(0x0a);
      const members = rooms.get(buf.subarray(1, eol).toString());
      const frame = buf.subarray(eol + 1);
      for (const client of members ?? []) {
        if (client.readyState === WebSocket.OPEN) client.send(frame, { binary: isBinary });
      }
    } else {
      for (const client of wss.clients) {
        if (client !== socket && client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
      }
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
