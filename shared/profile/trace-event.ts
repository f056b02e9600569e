/** One complete event of ONNX Runtime's profiler output (Chrome trace format, 'X' events). */
export interface TraceEvent {
  cat: string;
  name: string;
  ph?: string;
  pid?: number;
  tid?: number;
  ts: number;
  dur: number;
  args?: { op_name?: string; provider?: string; output_type_shape?: Record<string, number[]>[] };
}
