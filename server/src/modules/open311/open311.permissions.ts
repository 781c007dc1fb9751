/**
 * Open311: its configuration (service attributes, the discovery contact) for admins, and the one
 * permission partner keys hold.
 */
export const open311Permissions = ['open311:config:read', 'open311:config:update', 'open311:request:create'] as const;

/**
 * Named token scopes: `gongzhi token create --scope open311` grants what a partner system needs to
 * report through Open311, and nothing else.
 */
export const open311TokenScopes = { open311: ['open311:request:create'] } as const;
