/**
 * TensorRT's calibration cache as trtexec's --calib reads it: a header naming the calibrator, then one
 * `tensor: scale` line per activation, the scale (amax / 127) written as the 8 hex digits of its
 * float32 bits. trtexec's calibrator is EntropyCalibration2; a cache with another name is ignored.
 */
export const TRT_CACHE_HEADER = 'TRT-8601-EntropyCalibration2';

export function floatBitsHex(value: number): string {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return view.getUint32(0).toString(16).padStart(8, '0');
}

export function hexBitsFloat(hex: string): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, Number.parseInt(hex, 16));
  return view.getFloat32(0);
}

export function writeCalibrationCache(scales: ReadonlyMap<string, number>, header = TRT_CACHE_HEADER): string {
  const lines = [header];
  for (const [tensor, scale] of scales) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`tensor '${tensor}' has scale ${scale}; a calibration scale must be a positive number`);
    if (tensor.includes('\n')) throw new Error(`tensor name ${JSON.stringify(tensor)} cannot be written to a calibration cache`);
    lines.push(`${tensor}: ${floatBitsHex(scale)}`);
  }
  return lines.join('\n') + '\n';
}

/** Reads a cache back: header and scales (names may contain ':', the value follows the last one). */
export function parseCalibrationCache(text: string): { header: string; scales: Map<string, number> } {
  const [header = '', ...rest] = text.split('\n').filter((l) => l.length > 0);
  const scales = new Map<string, number>();
  for (const line of rest) {
    const at = line.lastIndexOf(': ');
    if (at <= 0 || !/^[0-9a-f]{8}$/.test(line.slice(at + 2))) throw new Error(`not a calibration cache line: '${line}'`);
    scales.set(line.slice(0, at), hexBitsFloat(line.slice(at + 2)));
  }
  return { header, scales };
}
