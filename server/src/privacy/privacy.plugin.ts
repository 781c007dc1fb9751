import fp from 'fastify-plugin';
import { FieldCipher } from './field-cipher.ts';
import { loadDataKey } from './data-key.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Encrypts, decrypts and blind-indexes personal data fields. */
    privacy: FieldCipher;
  }
}

/** Loads the data key once and offers the field cipher to every module registered after it. */
export const privacyPlugin = fp(async (app) => {
  app.decorate('privacy', new FieldCipher(loadDataKey(app.config, app.log)));
});
