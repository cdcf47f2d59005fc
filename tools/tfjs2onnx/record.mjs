// Runs the ORIGINAL TF.js graph models with @tensorflow/tfjs (pure JavaScript CPU backend) on fixed inputs and
// writes their outputs, so that tests can compare the converted ONNX models without node or npm.
//
//   TFJS_DIR=<folder with node_modules/@tensorflow/tfjs> node record.mjs <package models dir> <models.json> <records dir>
//
// Inputs per model (batch 1, NHWC, uint8 RGB mapped to the model's range as float32(u * inputScale + inputOffset),
// computed in double and rounded once):
//   random-1, random-2: xorshift32 bytes (seed 1 or 2; x ^= x << 13; x ^= x >>> 17; x ^= x << 5; byte = x >>> 24),
//                       one byte per element in NHWC order;
//   astronaut, grace-hopper: <records dir>/inputs/<model>.<case>.rgb (uint8 HWC, made by make_inputs.py).
// Output: <records dir>/<model>.<case>.f32 = every output, float32 little-endian, in the order of records.json's
// "outputs" for that model, each in TF.js's own shape and element order; records.json describes it all.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [modelsDir, specPath, recordsDir] = process.argv.slice(2);
if (!modelsDir || !specPath || !recordsDir || !process.env.TFJS_DIR) {
  console.error('usage: TFJS_DIR=<dir> node record.mjs <models dir> <models.json> <records dir>');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(process.env.TFJS_DIR), 'index.js'));
const tf = require('@tensorflow/tfjs');
await tf.setBackend('cpu');
await tf.ready();

function handler(jsonPath) {
  return {
    load: async () => {
      const j = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
      const specs = [];
      const bufs = [];
      for (const g of j.weightsManifest) {
        specs.push(...g.weights);
        for (const p of g.paths) bufs.push(fs.readFileSync(path.join(path.dirname(jsonPath), p)));
      }
      const all = Buffer.concat(bufs);
      return {
        modelTopology: j.modelTopology,
        weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        format: j.format, generatedBy: j.generatedBy, convertedBy: j.convertedBy,
        signature: j.signature, userDefinedMetadata: j.userDefinedMetadata,
      };
    },
  };
}

function xorshiftBytes(seed, n) {
  const out = new Uint8Array(n);
  let x = seed | 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = (x >>> 24) & 0xff;
  }
  return out;
}

const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
const manifest = {
  format: 'tfjs2onnx.records/1',
  package: `${spec.package.name}@${spec.package.version}`,
  tfjs: `${spec.tfjs.name}@${tf.version.tfjs}`,
  backend: tf.getBackend(),
  prng: 'xorshift32: x ^= x << 13; x ^= x >>> 17; x ^= x << 5; byte = x >>> 24 (uint32 arithmetic), seed as given',
  models: [],
};
for (const m of spec.models) {
  const model = await tf.loadGraphModel(handler(path.join(modelsDir, path.basename(m.source))));
  const shape = model.inputs[0].shape.map((d) => (d < 0 ? 1 : d));
  const n = shape.reduce((a, b) => a * b, 1);
  const tfOutputs = Object.keys(m.outputs);
  const cases = [
    { name: 'random-1', seed: 1 }, { name: 'random-2', seed: 2 },
    { name: 'astronaut', file: `inputs/${m.name}.astronaut.rgb` },
    { name: 'grace-hopper', file: `inputs/${m.name}.grace-hopper.rgb` },
  ];
  const entry = {
    name: m.name, onnx: `${m.name}.onnx`, input: m.input, inputShapeNhwc: shape,
    inputScale: m.inputScale, inputOffset: m.inputOffset, outputs: [], cases: [],
  };
  for (const c of cases) {
    const bytes = c.file ? new Uint8Array(fs.readFileSync(path.join(recordsDir, c.file))) : xorshiftBytes(c.seed, n);
    if (bytes.length !== n) throw new Error(`${m.name}/${c.name}: ${bytes.length} bytes, expected ${n}`);
    const values = Float32Array.from(bytes, (u) => u * m.inputScale + m.inputOffset);
    const x = tf.tensor(values, shape, 'float32');
    const results = model.execute(x, tfOutputs);
    const list = Array.isArray(results) ? results : [results];
    const parts = [];
    if (entry.outputs.length === 0) {
      list.forEach((t, i) => entry.outputs.push({ tf: tfOutputs[i], onnx: m.outputs[tfOutputs[i]], shape: t.shape }));
    }
    for (const t of list) parts.push(Buffer.from((await t.data()).buffer.slice(0)));
    const file = `${m.name}.${c.name}.f32`;
    fs.writeFileSync(path.join(recordsDir, file), Buffer.concat(parts));
    entry.cases.push({ name: c.name, ...(c.file ? { inputFile: c.file } : { seed: c.seed }), outputs: file });
    tf.dispose([x, ...list]);
    console.log(`${m.name} ${c.name}: ${list.map((t) => `[${t.shape}]`).join(' ')}`);
  }
  manifest.models.push(entry);
  model.dispose();
}
fs.writeFileSync(path.join(recordsDir, 'records.json'), JSON.stringify(manifest, null, 2) + '\n');
