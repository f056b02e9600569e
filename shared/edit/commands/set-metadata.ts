import { z } from 'zod';
import type { EditCommand } from '../command.js';

type Params = { key: string; value: string | null };

/** Model metadata: producer name/version, doc string, model version, or (any other key) a metadata_props entry; null removes it. */
export const setMetadata: EditCommand<Params> = {
  id: 'setMetadata',
  params: z.object({ key: z.string().min(1).max(1000), value: z.string().max(1_000_000).nullable() }).strict(),
  label: (p) => `Set ${p.key}`,
  check(model, p) {
    if (p.key === 'modelVersion' && p.value !== null && !/^\d+$/.test(p.value)) return 'The model version is a whole number.';
    return true;
  },
  apply(model, p) {
    const v = p.value ?? undefined;
    switch (p.key) {
      case 'producerName':
        return { ...model, producerName: v };
      case 'producerVersion':
        return { ...model, producerVersion: v };
      case 'docString':
        return { ...model, docString: v };
      case 'domain':
        return { ...model, domain: v };
      case 'modelVersion':
        return { ...model, modelVersion: v === undefined ? undefined : Number(v) };
      default: {
        const others = (model.metadataProps ?? []).filter((e) => e.key !== p.key);
        return { ...model, metadataProps: p.value === null ? others : [...others, { key: p.key, value: p.value }] };
      }
    }
  },
};
