import { readFileSync } from 'node:fs';
import { OpRegistry, type OpMetadataFile } from '../../shared/graph/op-registry.js';
import { resourcePath } from './app-paths.js';

let registry: OpRegistry | undefined;

/** The operator registry from resources/op-metadata.json, read once per process. */
export function opRegistry(): OpRegistry {
  registry ??= new OpRegistry(JSON.parse(readFileSync(resourcePath('op-metadata.json'), 'utf8')) as OpMetadataFile);
  return registry;
}

let categories: Record<string, string> | undefined;

/** Display category per op type from the hand-kept resources/op-categories.json. */
export function opCategories(): Record<string, string> {
  categories ??= (JSON.parse(readFileSync(resourcePath('op-categories.json'), 'utf8')) as { categories: Record<string, string> }).categories;
  return categories;
}
