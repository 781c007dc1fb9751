import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { apiTokenPrefix, sha256 } from './auth.service.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface NewApiToken {
  name: string;
  scopes: string[];
  divisionCode: string;
  createdBy: number | null;
  expiresAt: Date | null;
}

/**
 * Creates a machine token. The plaintext is returned once and only its hash is stored. Only the demo
 * town passes its own `token`: a published key anyone may try against a fresh demo.
 */
export async function issueApiToken(db: Db, input: NewApiToken, token = `${apiTokenPrefix}${crypto.randomBytes(24).toString('base64url')}`) {
  const row = await db
    .insertInto('api_token')
    .values({
      name: input.name,
      token_hash: sha256(token),
      token_prefix: token.slice(0, 10),
      scopes: input.scopes,
      division_code: input.divisionCode,
      created_by: input.createdBy,
      expires_at: input.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, row };
}
