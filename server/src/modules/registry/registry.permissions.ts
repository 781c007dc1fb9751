import { recordKinds } from './kinds/index.ts';

/** registry:<entity>:<action> for every record kind, plus statistics and the audited reveal of personal data. */
export const registryPermissions = [
  ...recordKinds.flatMap((k) => ['read', 'create', 'update', 'import', 'export'].map((action) => `registry:${k.entity}:${action}`)),
  'registry:stats:read',
  'registry:personal-data:reveal',
] as const;
