import type { ModelProto } from '../onnx/types.js';
import type { EditCommand } from './command.js';
import { addInput } from './commands/add-input.js';
import { deleteNode } from './commands/delete-node.js';
import { exposeOutput } from './commands/expose-output.js';
import { insertNode } from './commands/insert-node.js';
import { removeInput } from './commands/remove-input.js';
import { removeOutput } from './commands/remove-output.js';
import { removeUnused } from './commands/remove-unused.js';
import { renameNode } from './commands/rename-node.js';
import { renameTensor } from './commands/rename-tensor.js';
import { replaceInitializer } from './commands/replace-initializer.js';
import { rewireInput } from './commands/rewire-input.js';
import { setAttribute } from './commands/set-attribute.js';
import { setDim } from './commands/set-dim.js';
import { setMetadata } from './commands/set-metadata.js';
import { setOpset } from './commands/set-opset.js';

/** Every edit command by id: what the engine accepts and a recipe replays. */
export const EDIT_COMMANDS: Record<string, EditCommand<never>> = Object.fromEntries(
  [setAttribute, renameNode, renameTensor, deleteNode, insertNode, rewireInput, exposeOutput, removeOutput, addInput, removeInput, replaceInitializer, setOpset, setMetadata, removeUnused, setDim].map(
    (c) => [c.id, c as unknown as EditCommand<never>],
  ),
);

/** Parses and checks a command from outside, then applies it; throws one sentence on any problem. */
export function runCommand(model: ModelProto, id: string, params: unknown): { model: ModelProto; label: string; params: unknown } {
  const command = EDIT_COMMANDS[id] as unknown as EditCommand<unknown> | undefined;
  if (!command) throw new Error(`There is no edit '${id}'.`);
  const parsed = command.params.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`The ${id} edit's '${issue.path.join('.') || 'parameters'}' ${issue.message.toLowerCase()}.`);
  }
  const ok = command.check(model, parsed.data);
  if (ok !== true) throw new Error(ok);
  return { model: command.apply(model, parsed.data), label: command.label(parsed.data), params: parsed.data };
}
