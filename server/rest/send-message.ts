// The old app's REST endpoint, kept for the scripts that still call it:
//   POST /chat/api/send_message/<room_name>/     (the trailing slash may be left out)
//   body: JSON {"message": "..."} or form message=...
//   credentials: HTTP Basic, Bearer (session or API token), or the session cookie
//   Idempotency-Key header → clientId
// It is a thin adapter: the message goes through ChatService.send like a mutation.
import { AppError, UNAVAILABLE_MESSAGE, httpStatus } from '../errors.js';
import type { Services } from '../services.js';
import type { ChatMessage } from '../chat/message.js';
import { clearedSessionCookie, isHttps } from '../auth/cookies.js';

export const SEND_MESSAGE_PATH = /^\/chat\/api\/send_message\/([^/]+)\/?$/;


function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

const error = (status: number, message: string, headers?: Record<string, string>) => json(status, { error: message }, headers);

/** Anything unexpected (the database down, a bug): logged; the client learns only that. */
function unavailable(services: Services, err: unknown): Response {
  services.log.error({ err }, 'REST send failed');
  services.metrics.errors.inc({ code: 'INTERNAL' });
  return error(httpStatus.UNAVAILABLE, UNAVAILABLE_MESSAGE);
}

function appErrorResponse(services: Services, err: AppError, headers: Record<string, string> = {}): Response {
  services.metrics.errors.inc({ code: err.code });
  const retryAfter = err.details.retryAfter;
  if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  return error(httpStatus[err.code], err.message, headers);
}

async function readMessage(request: Request): Promise<string> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  // The body's size was checked against MAX_BODY_BYTES before it was read (app.ts: 413).
  let value: unknown;
  if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      throw new AppError('BAD_USER_INPUT', 'The body is not valid JSON.');
    }
    value = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).message : undefined;
  } else if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    try {
      value = (await request.formData()).get('message');
    } catch {
      throw new AppError('BAD_USER_INPUT', 'The form body could not be read.');
    }
  } else {
    throw new UnsupportedType(type);
  }
  if (typeof value !== 'string') throw new AppError('BAD_USER_INPUT', 'The body needs a "message" field holding a string.');
  return value;
}

class UnsupportedType extends Error {}

export const restMessage = (m: ChatMessage) => ({
  id: m.id,
  room: m.room,
  seq: m.seq,
  content: m.content,
  clientId: m.clientId,
  sender: m.sender && { id: m.sender.id, username: m.sender.username },
  createdAt: m.createdAt.toISOString(),
});

export async function sendMessageRoute(
  services: Services,
  request: Request,
  rawRoom: string,
  ip?: string,
): Promise<Response> {
  if (request.method !== 'POST') return error(405, 'Use POST.', { allow: 'POST' });
  const secure = isHttps(request.url, request.headers, services.config.TRUST_PROXY);

  let auth;
  try {
    auth = await services.credentials.authenticate(
      { authorization: request.headers.get('authorization'), cookie: request.headers.get('cookie') },
      { allowBasic: true, ip },
    );
  } catch (err) {
    if (!(err instanceof AppError)) return unavailable(services, err);
    const headers: Record<string, string> = { 'www-authenticate': 'Basic realm="chat", charset="UTF-8"' };
    if (!request.headers.get('authorization')) headers['set-cookie'] = clearedSessionCookie(secure);
    return appErrorResponse(services, err, headers);
  }
  if (!auth) {
    return error(401, 'Authentication required: HTTP Basic, a Bearer token or a session cookie.', {
      'www-authenticate': 'Basic realm="chat", charset="UTF-8"',
    });
  }
  if (auth.via === 'cookie' && !services.origins.mayChangeState(request.headers, secure)) {
    return error(403, 'Cross-origin request refused: this Origin may not act with the session cookie.');
  }
  // A browser that has HTTP Basic credentials cached for this server sends them with a
  // foreign page's form too: refuse what shows a foreign Origin (scripts show none).
  if (auth.via === 'basic' && !services.origins.mayConnect(request.headers, secure)) {
    return error(403, 'Cross-origin request refused: this Origin may not act with HTTP Basic credentials.');
  }

  let room: string;
  try {
    room = decodeURIComponent(rawRoom);
  } catch {
    return error(400, 'The room name in the URL is not valid percent-encoding.');
  }
  try {
    const content = await readMessage(request);
    const message = await services.chat.send({
      room,
      content,
      clientId: request.headers.get('idempotency-key'),
      sender: auth.viewer,
    });
    return json(200, { status: 'ok', message: restMessage(message) });
  } catch (err) {
    if (err instanceof UnsupportedType) {
      return error(415, 'Send the message as application/json {"message": "..."} or as a form (message=...).');
    }
    if (err instanceof AppError) return appErrorResponse(services, err);
    return unavailable(services, err);
  }
}
