import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OpRegistry, type OpMetadataFile } from '../../shared/graph/op-registry.js';
import { repoRoot } from './paths.js';

export const registry = new OpRegistry(JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'op-metadata.json'), 'utf8')) as OpMetadataFile);
