import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the outreach tables (migrations 0014, 0020). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type Channel = 'sms' | 'voice';
export const channels: readonly Channel[] = ['sms', 'voice'];

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'skipped';
export const messageStatuses: readonly MessageStatus[] = ['queued', 'sending', 'sent', 'delivered', 'failed', 'skipped'];

/**
 * no_party: nobody responsible was found · not_sent: every message was skipped (opt-out, rate limit) ·
 * awaiting: waiting for the re-check · complied / not_complied: the re-check's verdict · expired: the
 * grace period ran out unchecked (escalated) · superseded: the event moved on by the normal workflow.
 */
export type ReminderStatus = 'no_party' | 'not_sent' | 'awaiting' | 'complied' | 'not_complied' | 'expired' | 'superseded';
export type ResolvedSource = 'detection' | 'manual' | 'deadline' | 'workflow';
export type PartyKind = 'enterprise' | 'vehicle';

export interface OutreachTemplateTable {
  id: Generated<number>;
  category_code: string | null;
  channel: Channel;
  body: string;
  provider_template_code: string | null;
  active: Generated<boolean>;
  updated_by: number | null;
  updated_at: Timestamp;
}

/** Whom a category's reminder is for: the shop at the spot, or the owner of the vehicle the video AI read (migration 0020). */
export type PolicyParty = 'spot' | 'vehicle';
export const policyParties: readonly PolicyParty[] = ['spot', 'vehicle'];

export interface OutreachPolicyTable {
  category_code: string;
  grace_minutes: number;
  channels: Channel[];
  party: Generated<PolicyParty>;
  updated_at: Timestamp;
}

export interface OutreachReminderTable {
  id: Generated<number>;
  event_id: number;
  division_code: string;
  category_code: string;
  status: ReminderStatus;
  party_kind: PartyKind | null;
  party_ref: string | null;
  party_name: string | null;
  recipient_masked: string | null;
  grace_minutes: number | null;
  recheck_due_at: NullableTimestamp;
  resolved_at: NullableTimestamp;
  resolved_source: ResolvedSource | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface OutreachMessageTable {
  id: Generated<number>;
  reminder_id: number | null;
  event_id: number | null;
  division_code: string;
  channel: Channel;
  template_id: number | null;
  body: string;
  template_code: string | null;
  params: Json<Record<string, string>>;
  recipient_enc: string;
  recipient_idx: string;
  recipient_masked: string;
  status: MessageStatus;
  reason: string | null;
  last_error: string | null;
  provider: string | null;
  provider_message_id: string | null;
  idempotency_key: string;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string, Date | string>;
  claim_token: string | null;
  lease_until: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  sent_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
}

export interface OutreachOptOutTable {
  id: Generated<number>;
  phone_enc: string;
  phone_idx: string;
  phone_masked: string;
  reason: Generated<string>;
  division_code: string;
  created_by: number | null;
  created_at: Timestamp;
}

export type VehicleSource = 'manual' | 'import';

/** The plate registry (migrations 0014, 0020). */
export interface VehicleOwnerTable {
  id: Generated<number>;
  plate: string;
  owner_name: string | null;
  phone_enc: string;
  phone_idx: string;
  phone_masked: string;
  enterprise_id: number | null;
  source: Generated<VehicleSource>;
  division_code: string;
  updated_at: Timestamp;
}

export interface OutreachTables {
  outreach_template: OutreachTemplateTable;
  outreach_policy: OutreachPolicyTable;
  outreach_reminder: OutreachReminderTable;
  outreach_message: OutreachMessageTable;
  outreach_opt_out: OutreachOptOutTable;
  vehicle_owner: VehicleOwnerTable;
}
