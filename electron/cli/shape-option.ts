import { UsageError } from './usage-error.js';

/** '--shape input=1x3x224x224' (or 1,3,224,224; symbols allowed: batchx3x224x224). */
export function parseShape(text: string, command: string): [string, (number | string)[]] {
  const at = text.lastIndexOf('=');
  if (at <= 0 || at === text.length - 1) throw new UsageError(`--shape takes NAME=DIMS such as input=1x3x224x224, not '${text}'`, command);
  const dims = text.slice(at + 1).split(/[x,×]/).map((d) => (/^\d+$/.test(d) ? Number(d) : d));
  if (dims.some((d) => d === '' || (typeof d === 'string' && !/^[A-Za-z_][\w]*$/.test(d)))) {
    throw new UsageError(`--shape ${text}: each dimension must be a whole number or a name`, command);
  }
  return [text.slice(0, at), dims];
}

export const SHAPE_OPTION = { kind: 'string', multiple: true, placeholder: 'NAME=DIMS', help: 'input dims such as input=1x3x224x224' } as const;
