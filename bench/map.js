// Area `map`: how fast a point finds its unit grid in memory (what `app.grids.locate` does when an event,
// a house or a device is placed).
//
//   map.lookups   GridIndex.locate over 1,000,000 seeded random points in the demo town's bbox, on the
//                 demo town's unit grids (deterministic outlines, ~300 grids); one core, median of 3
//                 rounds after a warm-up round; target 200,000 lookups/s
//
// Needs no server and no database: the outlines come from the demo generator the seed uses.
import { demoOutlines } from '../server/src/demo/demo-boundaries.ts';
import { demoVillages } from '../server/src/demo/demo-town.ts';
import { seededRandom } from '../server/src/demo/random.ts';
import { geometryBBox } from '../server/src/gis/polygon.ts';
import { GridIndex } from '../server/src/modules/grids/grid-index.ts';
import { median } from './lib/stats.js';

const points = 1_000_000;

export async function run(report, { wants, log }) {
  if (!wants('lookups')) return;
  const outlines = demoOutlines(demoVillages());
  const grids = new GridIndex([...outlines.grids].map(([code, geometry]) => ({ code, geometry, bbox: geometryBBox(geometry) })));
  const [minLng, minLat, maxLng, maxLat] = geometryBBox(outlines.town);
  const random = seededRandom(1);
  const coordinates = new Float64Array(points * 2);
  for (let i = 0; i < points; i++) {
    coordinates[2 * i] = minLng + random.next() * (maxLng - minLng);
    coordinates[2 * i + 1] = minLat + random.next() * (maxLat - minLat);
  }
  log(`${grids.size} unit grids, ${points.toLocaleString('en')} points in [${minLng}, ${minLat}, ${maxLng}, ${maxLat}]`);

  const rates = [];
  for (let round = 0; round < 4; round++) {
    let hits = 0;
    const started = process.hrtime.bigint();
    for (let i = 0; i < points; i++) if (grids.locate(coordinates[2 * i], coordinates[2 * i + 1])) hits++;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    log(`round ${round}${round === 0 ? ' (warm-up)' : ''}: ${Math.round(points / seconds).toLocaleString('en')} lookups/s, ${((hits / points) * 100).toFixed(1)} % inside a grid`);
    if (round > 0) rates.push(points / seconds);
  }
  report('lookups', median(rates), 'lookups/s', 200000, true);
}
