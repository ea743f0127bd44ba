// Refusing a request's body before reading it (no Content-Length, or one over the limit),
// so that the client reads the answer.
//
// The answer says `Connection: close`, and Node closes the socket as soon as it is
// written; a client still sending its body then meets a reset, which can discard the
// answer before the client reads it (a client streaming its body got "write EPIPE"
// instead of the 411). So the close waits for the body: what the client is still sending
// is read and dropped, then the connection is closed cleanly ("lingering close", RFC 9112
// §9.6). Past LINGER_BYTES or LINGER_MS the connection is cut, so a refusal costs the
// server a bounded amount of reading whatever the client announces or streams; a body
// announced over LINGER_BYTES is not waited for at all.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Most bytes of a refused body read (and dropped) before the connection is cut. */
export const LINGER_BYTES = 8 << 20;
/** Longest a refused body may take to finish arriving before the connection is cut. */
export const LINGER_MS = 5_000;

export function refuseBody(req: IncomingMessage, res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  const announced = Number(req.headers['content-length'] ?? 0);
  if (!(announced > LINGER_BYTES)) lingerOnClose(req);
  res.end(JSON.stringify({ error }));
  req.resume();
}

/** Node ends a `Connection: close` exchange with `socket.destroySoon()`: here it waits for the request's body first. */
function lingerOnClose(req: IncomingMessage) {
  const socket = req.socket as Socket & { destroySoon?: () => void };
  let ended = req.complete;
  let closing = false;
  const cut = () => socket.destroy();
  const close = () => (ended ? socket.end() : (closing = true));
  req.once('end', () => {
    ended = true;
    if (closing) socket.end(); // everything read: a clean close, not a reset
  });
  let read = 0;
  req.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > LINGER_BYTES) cut();
  });
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.destroySoon = close;
}
