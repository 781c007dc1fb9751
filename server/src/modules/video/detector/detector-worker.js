// The built-in detector, run in a worker thread so that inference (≈200 ms a frame) never blocks the
// API. Plain JavaScript: worker threads start without the TypeScript loader.
//
// It runs @vladmandic/human's COCO object model (MobileNetV3-CenterNet, shipped inside the npm
// package) on the WASM backend, entirely offline (sensing reference §5.2):
// 1. the WASM bundle is loaded by file path (the package's `exports` do not offer it);
// 2. `wasmPath` is the local @tensorflow/tfjs-backend-wasm/dist/ directory;
// 3. model files are read from node_modules through a `fetch` that serves `file://` URLs and refuses
//    every other URL, so nothing can be downloaded at run time;
// 4. frames are decoded with sharp into an int32 [1, H, W, 3] tensor.
import { parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';

const require = createRequire(import.meta.url);
const humanDir = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..');
const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep;

globalThis.fetch = async (input) => {
  const url = String(input instanceof Request ? input.url : input);
  if (!url.startsWith('file://')) throw new Error(`the detector loads nothing from the network (${url})`);
  return new Response(await fs.readFile(new URL(url)), { status: 200 });
};

const { Human } = require(path.join(humanDir, 'dist/human.node-wasm.js'));

/** The longest side a frame is scaled down to before inference (the model's input is 512×512). */
const maxSide = 1280;

let human;
async function load(options) {
  human = new Human({
    backend: 'wasm',
    wasmPath: wasmDir,
    modelBasePath: `${pathToFileURL(path.join(humanDir, 'models')).href}/`,
    debug: false,
    cacheSensitivity: 0,
    filter: { enabled: false },
    face: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    object: { enabled: true, modelPath: 'centernet.json', minConfidence: options.minConfidence, maxDetected: options.maxDetected, skipFrames: 0, skipTime: 0 },
  });
  await human.load();
  await human.warmup?.().catch(() => undefined);
}

async function detect(image) {
  const started = performance.now();
  const { data, info } = await sharp(image).rotate().resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const tf = human.tf;
  const frame = tf.tensor3d(new Int32Array(data), [info.height, info.width, 3], 'int32');
  const batch = tf.expandDims(frame, 0);
  try {
    const result = await human.detect(batch);
    const objects = result.object.map((o) => {
      const [x, y, w, h] = o.boxRaw;
      return { label: o.label, score: Math.round(o.score * 1000) / 1000, box: [x, y, Math.min(1, x + w), Math.min(1, y + h)] };
    });
    return { objects, width: info.width, height: info.height, ms: performance.now() - started };
  } finally {
    tf.dispose([frame, batch]);
  }
}

parentPort.on('message', async (message) => {
  try {
    if (message.type === 'load') {
      await load(message.options);
      parentPort.postMessage({ id: message.id, ok: true, backend: human.tf.getBackend() });
    } else if (message.type === 'detect') {
      parentPort.postMessage({ id: message.id, ok: true, ...(await detect(Buffer.from(message.image))) });
    }
  } catch (error) {
    parentPort.postMessage({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
