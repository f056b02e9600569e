import { readFileSync } from 'node:fs';
import { OpRegistry, type OpMetadataFile } from '../../shared/graph/op-registry.js';
import { resourcePath } from './app-paths.js';

let registry: OpRegistry | undefined;

/** The operator registry from resources/op-metadata.json, read once per process. */
export function opRegistry(): OpRegistry {
  registry ??= new OpRegistry(JSON.parse(readFileSync(resourcePath('op-metadata.json'), 'utf8')) as OpMetadataFile);
  return registry;
}
