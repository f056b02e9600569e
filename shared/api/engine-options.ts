import type { AppInfo } from './dto.js';

/** How an engine instance is set up by whoever starts it (CLI, server, desktop main). */
export interface EngineOptions {
  mode: AppInfo['mode'];
  /** Browser mode: where uploads live, one folder per blob id. */
  blobDir?: string;
  /** Browser mode: where 'download' saves are written, one folder per download id. */
  downloadDir?: string;
  /** Jobs that may run at once; later ones wait with phase 'queued'. */
  maxRunningJobs?: number;
}
