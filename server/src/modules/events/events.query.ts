import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { grants } from '../../auth/permissions.ts';
import { notFound } from '../../http/errors.ts';
import { pageWindow } from '../../http/pagination.ts';
import { eventsRepo } from './events.repo.ts';
import { presentEvent, presentSummary } from './events.present.ts';
import { workflowFacts, type EventRow } from './event-effects.ts';
import { allowedActions } from './allowed-actions.ts';
import { openStates, queueNames, queues } from './queues.ts';
import type { EventState } from './event-workflow.ts';
import type { EventDetail, EventView, ListQuery } from './events.schema.ts';

export async function queueCounts(request: FastifyRequest) {
  const counts = await eventsRepo.queueCounts(request.server.db, actorOf(request).scope);
  return {
    items: queueNames.map((queue) => ({ queue, states: [...queues[queue]], count: queues[queue].reduce((sum, state) => sum + (counts.get(state) ?? 0), 0) })),
  };
}

export async function listEvents(request: FastifyRequest, query: ListQuery) {
  const app = request.server;
  const window = pageWindow(query);
  const now = Date.now();
  let states: readonly string[] | undefined = query.queue ? queues[query.queue] : undefined;
  if (query.state) states = states ? states.filter((s) => s === query.state) : [query.state];
  const [page, light] = await Promise.all([
    eventsRepo.list(
      app.db,
      actorOf(request).scope,
      {
        states,
        source: query.source,
        categoryCode: query.categoryCode,
        divisionCode: query.divisionCode,
        urgency: query.urgency,
        keyword: query.keyword,
        overdueAt: query.overdue ? new Date(now) : undefined,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        order: query.queue || query.overdue ? 'deadline' : 'reported',
      },
      window,
    ),
    app.eventConfig.lightRule(),
  ]);
  return { items: page.items.map((row) => presentSummary(row, light, now)), total: page.total, capped: page.capped, page: window.page, pageSize: window.pageSize };
}

export async function getEvent(request: FastifyRequest, id: number): Promise<EventDetail> {
  const row = await eventsRepo.findVisible(request.server.db, actorOf(request).scope, id);
  if (!row) throw notFound();
  return eventDetail(request, row);
}

export async function eventView(app: FastifyInstance, row: EventRow): Promise<EventView> {
  const [names, light] = await Promise.all([eventsRepo.names(app.db, row), app.eventConfig.lightRule()]);
  return presentEvent(row, names, light, Date.now());
}

/** The view of an event just reported, without a query: the intake read its division's name, it has no units yet. */
export async function reportedEventView(app: FastifyInstance, row: EventRow, divisionName: string | null): Promise<EventView> {
  const [category, light] = await Promise.all([row.category_code === null ? undefined : app.eventConfig.category(row.category_code), app.eventConfig.lightRule()]);
  return presentEvent(row, { categoryName: category?.minorName ?? null, divisionName, units: [] }, light, Date.now());
}

/** Possible duplicates: open events of the same category near it, reported within the configured window. */
export async function possibleDuplicates(app: FastifyInstance, row: EventRow) {
  if (row.lng === null || row.lat === null || row.category_code === null) return [];
  const window = await app.eventConfig.duplicateWindow();
  const rows = await eventsRepo.duplicates(app.db, { excludeId: row.id, categoryCode: row.category_code, lng: row.lng, lat: row.lat, around: row.reported_at, meters: window.meters, hours: window.hours });
  return rows.map((d) => ({ id: d.id, code: d.code, state: d.state, title: d.title, reportedAt: d.reported_at.toISOString(), distanceMeters: Math.round(d.distance * 10) / 10 }));
}

/** The event as its detail page shows it: timeline, photos, duplicates and what I may do. */
export async function eventDetail(request: FastifyRequest, row: EventRow): Promise<EventDetail> {
  const app = request.server;
  const actor = actorOf(request);
  const isOpen = openStates.includes(row.state as EventState);
  const canDispatch = row.state === 'pending_dispatch' && grants(actor.permissions, 'event:case:dispatch');
  const [event, timeline, files, duplicates, route] = await Promise.all([
    eventView(app, row),
    eventsRepo.timeline(app.db, row.id),
    eventsRepo.files(app.db, row.id),
    isOpen ? possibleDuplicates(app, row) : [],
    canDispatch ? app.eventConfig.route({ categoryCode: row.category_code, gridCode: row.grid_code, source: row.source, standardId: row.standard_id ?? undefined }) : undefined,
  ]);
  // Photos given with the report show the problem; photos of later steps show the result.
  const reported = new Set(timeline.filter((h) => h.action === 'report').flatMap((h) => h.file_ids));
  const photo = (f: (typeof files)[number]) => ({ id: f.id, mime: f.mime, name: f.original_name, hasThumbnail: f.has_thumbnail });
  return {
    event,
    timeline: timeline.map((h) => ({
      id: h.id,
      at: h.at.toISOString(),
      actorType: h.actor_type,
      actorName: h.actor_name,
      action: h.action,
      fromState: h.from_state,
      toState: h.to_state,
      note: h.note,
      organizationId: h.organization_id,
      organizationName: h.organization_name,
      fileIds: h.file_ids,
      details: h.details,
    })),
    photos: { before: files.filter((f) => reported.has(f.id)).map(photo), after: files.filter((f) => !reported.has(f.id)).map(photo) },
    duplicates,
    actions: allowedActions(actor, workflowFacts(row, Date.now())),
    canMerge: isOpen && duplicates.length > 0 && grants(actor.permissions, 'event:case:merge'),
    dispatchSuggestions: route?.candidates ?? [],
  };
}
