import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StringEnum } from '../../../http/pagination.ts';
import { limitUnits } from '../work-calendar.ts';
import { clockPattern } from './calendar-rules.ts';
import { deleteDay, getSettings, importYear, listDays, putDay, updateSettings } from './calendar.service.ts';

const Clock = Type.String({ pattern: clockPattern });
const Minutes = Type.Integer({ minimum: 1, maximum: 1440 });
const WorkPeriods = Type.Array(Type.Object({ start: Clock, end: Clock }, { additionalProperties: false }), { minItems: 1, maxItems: 6 });
const PhaseLimits = Type.Object({ acceptMinutes: Minutes, dispatchMinutes: Minutes, verifyMinutes: Minutes, checkMinutes: Minutes }, { additionalProperties: false });
const UrgentPhaseLimits = Type.Object({ urgent: PhaseLimits, critical: PhaseLimits }, { additionalProperties: false });
const DuplicateWindow = Type.Object({ meters: Type.Integer({ minimum: 1, maximum: 5000 }), hours: Type.Integer({ minimum: 1, maximum: 720 }) }, { additionalProperties: false });
const ReplyLimit = Type.Object({ value: Type.Number({ minimum: 0.5, maximum: 720 }), unit: StringEnum(limitUnits) }, { additionalProperties: false });
const SupervisionRules = Type.Object(
  {
    remindAtPercent: Type.Integer({ minimum: 50, maximum: 95, description: 'Percent of a phase limit used from which the light is yellow and the automatic 催办 goes out' }),
    // Time for the written reply to an automatic 督办, and the reply time first offered for a 挂牌督办.
    superviseReplyLimit: ReplyLimit,
    listedReplyLimit: ReplyLimit,
  },
  { additionalProperties: false },
);
const SettingsView = Type.Object({ workPeriods: WorkPeriods, phaseLimits: PhaseLimits, urgentPhaseLimits: UrgentPhaseLimits, duplicateWindow: DuplicateWindow, supervision: SupervisionRules });
const UpdateSettingsBody = Type.Object(
  { workPeriods: Type.Optional(WorkPeriods), phaseLimits: Type.Optional(PhaseLimits), urgentPhaseLimits: Type.Optional(UrgentPhaseLimits), duplicateWindow: Type.Optional(DuplicateWindow), supervision: Type.Optional(SupervisionRules) },
  { additionalProperties: false, minProperties: 1 },
);
const DayKind = StringEnum(['holiday', 'workday']);
const DayView = Type.Object({ date: Type.String(), kind: DayKind, name: Type.String() });
const Year = Type.Integer({ minimum: 2000, maximum: 2100 });
// `date` refuses impossible dates such as 2026-02-30.
const DateParams = Type.Object({ date: Type.String({ format: 'date' }) });

/** Working periods, phase limits and the holiday / 调休 calendar the deadlines are computed on. */
export const calendarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['event config: calendar'];
  app.get('/api/event-config/settings', { config: { permission: 'event:calendar:read' }, schema: { tags, summary: 'Working periods, phase limits (normal on working time; urgent and critical around the clock), duplicate window, supervision rules', response: { 200: SettingsView } } }, (request) =>
    getSettings(request),
  );
  app.patch('/api/event-config/settings', { config: { permission: 'event:calendar:update' }, schema: { tags, summary: 'Change settings (each given one is replaced whole)', body: UpdateSettingsBody, response: { 200: SettingsView } } }, (request) =>
    updateSettings(request, request.body),
  );
  app.get('/api/event-config/calendar/days', { config: { permission: 'event:calendar:read' }, schema: { tags, summary: 'Holidays and make-up working days of a year', querystring: Type.Object({ year: Year }), response: { 200: Type.Object({ items: Type.Array(DayView) }) } } }, (request) =>
    listDays(request, request.query.year),
  );
  app.put('/api/event-config/calendar/days/:date', { config: { permission: 'event:calendar:update' }, schema: { tags, summary: 'Set one day as holiday or make-up working day', params: DateParams, body: Type.Object({ kind: DayKind, name: Type.String({ maxLength: 32 }) }, { additionalProperties: false }), response: { 200: DayView } } }, (request) =>
    putDay(request, request.params.date, request.body),
  );
  app.delete('/api/event-config/calendar/days/:date', { config: { permission: 'event:calendar:update' }, schema: { tags, summary: 'Make a day ordinary again (weekday or weekend)', params: DateParams } }, async (request, reply) => {
    await deleteDay(request, request.params.date);
    return reply.code(204).send();
  });
  app.post(
    '/api/event-config/calendar/import',
    {
      config: { permission: 'event:calendar:update' },
      schema: {
        tags,
        summary: 'Replace a year from a CSV/XLSX file (日期, 类型 放假/上班, 名称); all rows or none',
        consumes: ['multipart/form-data'],
        querystring: Type.Object({ year: Year }),
        response: { 200: Type.Object({ year: Type.Integer(), holidays: Type.Integer(), workdays: Type.Integer(), added: Type.Integer(), changed: Type.Integer(), removed: Type.Integer() }) },
      },
    },
    (request) => importYear(request, request.query.year),
  );
};
