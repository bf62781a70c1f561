// make_golden.js — run once by hand to (re)make tests/bio/face_golden.txt:
// the outputs of @vladmandic/face-api itself (tfjs, CPU backend) on inputs
// our C code also sees, for the known-answer tests in test_face_nets.c.
//
//   cd tests/bio/face_golden && npm ci --ignore-scripts
//   ../../../build/src/shanakht face extract <demo>/sampleN.jpg --ppm /tmp/sampleN.ppm
//   node make_golden.js /tmp/sample1.ppm /tmp/sample2.ppm > ../face_golden.txt
//
// The images go in as the RGB our decoder produced (PPM written by
// `shanakht face extract --ppm`), not through the package's JPEG path:
// jpeg-js and libjpeg disagree on about half the bytes (docs/face.md).
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');

function readPpm(file) {
  const b = fs.readFileSync(file);
  const head = b.subarray(0, 64).toString('latin1');
  const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(head);
  if (!m) throw new Error(`${file}: not a P6 PPM with maxval 255`);
  const w = +m[1], h = +m[2], off = m[0].length;
  return { w, h, rgb: new Uint8Array(b.subarray(off, off + w * h * 3)) };
}

const f = (x) => x.toPrecision(9);
const hexf = (x) => { const a = new Float32Array([x]); return Buffer.from(a.buffer).readUInt32LE(0).toString(16).padStart(8, '0'); };

async function main() {
  await faceapi.tf.setBackend('cpu');
  await faceapi.tf.ready();
  const n = faceapi.nets;
  await n.tinyFaceDetector.loadFromDisk(modelDir);
  await n.faceLandmark68Net.loadFromDisk(modelDir);
  await n.faceRecognitionNet.loadFromDisk(modelDir);
  const out = [];
  out.push(`# face-api ${faceapi.version} outputs, tfjs ${faceapi.tf.version_core} backend ${faceapi.tf.getBackend()}; made by tests/bio/face_golden/make_golden.js`);

  // dequantized weights, bit patterns of float32 (face_weights.c KAT)
  const p = n.faceRecognitionNet.params;
  const dq = [['face_recognition_model', 'conv32_down/conv/filters', p.conv32_down.conv.filters],
    ['face_recognition_model', 'conv256_down_out/conv2/scale/biases', p.conv256_down_out.conv2.scale.biases],
    ['face_recognition_model', 'conv64_1/conv1/conv/filters', p.conv64_1.conv1.conv.filters],
    ['face_recognition_model', 'fc', p.fc]];
  for (const [model, name, t] of dq) {
    const v = t.dataSync();
    const idx = [0, 1, 2, 3, v.length >> 1, v.length - 1];
    out.push(`dequant ${model} ${name} ${idx.map((i) => `${i}:${hexf(v[i])}`).join(' ')}`);
  }

  // the recognition net on a synthetic 150x150 input: (7 i) mod 256
  const syn = new Int32Array(150 * 150 * 3);
  for (let i = 0; i < syn.length; i++) syn[i] = (7 * i) % 256;
  const synT = faceapi.tf.tensor3d(syn, [150, 150, 3], 'int32');
  const first = faceapi.tf.tidy(() => {
    const x = faceapi.tf.cast(synT, 'float32').expandDims(0);
    const norm = faceapi.tf.sub(x, faceapi.tf.tensor1d([122.782, 117.001, 104.298])).div(255);
    const c = p.conv32_down;
    let o = faceapi.tf.conv2d(norm, c.conv.filters, [2, 2], 'valid');
    o = faceapi.tf.add(o, c.conv.bias);
    o = faceapi.tf.add(faceapi.tf.mul(o, c.scale.weights), c.scale.biases);
    return faceapi.tf.relu(o);
  });
  const fv = first.dataSync();
  let s = 0, s2 = 0;
  for (const v of fv) { s += v; s2 += v * v; }
  const picks = [];
  for (let k = 0; k < 48; k++) { const i = (k * 3467 + 11) % fv.length; picks.push(`${i}:${f(fv[i])}`); }
  out.push(`first synthetic ${first.shape.slice(1).join('x')} sum ${f(s)} sumsq ${f(s2)} ${picks.join(' ')}`);
  const synDesc = await n.faceRecognitionNet.computeFaceDescriptor(synT);
  out.push(`desc synthetic ${Array.from(synDesc).map(f).join(' ')}`);

  for (const file of process.argv.slice(2)) {
    const name = path.basename(file).replace(/\.ppm$/, '');
    const img = readPpm(file);
    const sha = crypto.createHash('sha256').update(img.rgb).digest('hex');
    const t = faceapi.tf.tensor3d(img.rgb, [img.h, img.w, 3], 'int32');
    const res = await faceapi.detectAllFaces(t, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 }))
      .withFaceLandmarks().withFaceDescriptors();
    res.sort((a, b) => b.detection.score - a.detection.score);
    out.push(`image ${name} ${img.w} ${img.h} ${sha} faces ${res.length}`);
    res.forEach((r, i) => {
      const b = r.detection.box;
      out.push(`box ${name} ${i} ${f(r.detection.score)} ${f(b.x)} ${f(b.y)} ${f(b.width)} ${f(b.height)}`);
      out.push(`landmarks ${name} ${i} ${r.landmarks.positions.map((q) => `${f(q.x)} ${f(q.y)}`).join(' ')}`);
      const a = r.landmarks.align(null, { useDlibAlignment: true });
      out.push(`crop ${name} ${i} ${a.x} ${a.y} ${a.width} ${a.height}`);
      out.push(`desc ${name} ${i} ${Array.from(r.descriptor).map(f).join(' ')}`);
    });
    t.dispose();
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
main().catch((e) => { console.error(e); process.exit(1); });
