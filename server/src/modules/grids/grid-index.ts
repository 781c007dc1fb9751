import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ClusterBus } from '../../db/cluster-bus.ts';
import type { GridLocation, GridLocator } from '../../gis/grid-locator.ts';
import type { LayerShape } from '../../gis/polygon.ts';
import { SpatialIndex } from '../../gis/spatial-index.ts';
import { gridsRepo } from './grids.repo.ts';

/**
 * `app.grids`: which unit grid, village and responsibility grid a WGS84 point falls in, answered from
 * memory (see SpatialIndex for the rule on shared edges, vertices and holes). Writers call `reload`
 * after their transaction has committed, so the index never shows uncommitted boundaries.
 * Each server process holds its own copy; `changed` reloads it here and tells the other API nodes
 * (cluster bus), which reload theirs.
 */
export class GridIndex implements GridLocator {
  private index: SpatialIndex<LayerShape>;
  private generation = 0;

  /** From shapes in hand (benchmarks); the server uses `load`. */
  constructor(shapes: LayerShape[] = [], private assignments = new Map<string, number>()) {
    this.index = new SpatialIndex(shapes);
  }

  static async load(db: Kysely<DB>, bus?: ClusterBus): Promise<GridIndex> {
    const grids = new GridIndex();
    grids.bus = bus;
    await grids.reload(db);
    bus?.on('grids', () => void grids.reload(db));
    return grids;
  }

  private bus: ClusterBus | undefined;

  /** After a committed change to grids or their responsibility links: here at once, then on the other nodes. */
  async changed(db: Kysely<DB>): Promise<void> {
    await this.reload(db);
    this.bus?.announce('grids');
  }

  /** Reads every unit grid and responsibility link again. Of overlapping reloads, the last one started wins. */
  async reload(db: Kysely<DB>): Promise<void> {
    const generation = ++this.generation;
    const [shapes, assignments] = await Promise.all([gridsRepo.unitGridShapes(db), gridsRepo.assignments(db)]);
    if (generation !== this.generation) return;
    this.index = new SpatialIndex(shapes);
    this.assignments = assignments;
  }

  get size(): number {
    return this.index.size;
  }

  locate(lng: number, lat: number): GridLocation | null {
    const grid = this.index.locate(lng, lat);
    if (!grid) return null;
    return { unitGridCode: grid.code, villageCode: grid.code.slice(0, 12), responsibilityGridId: this.assignments.get(grid.code) ?? null };
  }
}
