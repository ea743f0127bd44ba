// See package.json: never loaded by this project (only `prisma dev` would).
export async function startLocalDurableStreamsServer() {
  throw new Error('`prisma dev` is not supported in this project (@prisma/streams-local is stubbed: see package.json overrides).');
}
