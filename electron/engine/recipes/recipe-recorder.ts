import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { EngineError } from '../../../shared/api/errors.js';
import { parseRecipe, RECIPE_STEP, type Recipe, type RecipeStep } from '../../../shared/recipe/recipe.js';
import type { Dataset } from '../datasets/dataset.js';
import type { DocumentStore, ModelDocument } from '../documents.js';
import { transformStep } from './transform-step.js';

/** A step to record: any kind, its id given by the recorder unless set. */
export type NewStep = { [K in RecipeStep['kind']]: Omit<Extract<RecipeStep, { kind: K }>, 'id'> & { id?: string } }[RecipeStep['kind']];

/** What the pipeline view shows beside a step: its outcome in this session. */
export interface StepResult {
  status: 'done' | 'failed';
  summary: string;
  docId?: string;
}

/** A step made from a run of a document's history: entries [start, end), the last one's parameters as its identity. */
interface Segment {
  stepId: string;
  start: number;
  end: number;
  lastParams: unknown;
  /** The document's model reference before the step. */
  before: string;
}

interface DocRef {
  root: string;
  ref: string;
  flushed: number;
  segments: Segment[];
}

interface Family {
  root: string;
  steps: RecipeStep[];
  /** Model reference -> the open document holding it. */
  docs: Map<string, string>;
  results: Map<string, StepResult>;
  data: Recipe['data'];
  /** Data name -> the dataset opened in this session, for re-runs. */
  datasets: Record<string, string>;
  output?: string;
  next: number;
}

/**
 * Records, per opened model, the steps the user takes (edits, quantizations, profiles, comparisons) as a
 * recipe. Edits are folded into an edit step when a later step uses the edited model, or when the recipe
 * is read. Documents made by a step (a quantized model) join their parent's family under the step's id.
 */
export class RecipeRecorder {
  private readonly families = new Map<string, Family>();
  /** docId -> family root and the model reference its current state has; edits counted already. */
  private readonly refs = new Map<string, DocRef>();
  /** Result lines for transforms, by their history entry's parameters (set when the transform ran). */
  private readonly summaries = new WeakMap<object, string>();

  /**
   * A recipe replay or pipeline run does not record its own calls. Scoped to the replay's async context,
   * not the engine: what the user does in the model view meanwhile is still recorded.
   */
  private readonly quiet = new AsyncLocalStorage<true>();

  constructor(private readonly documents: DocumentStore) {}

  async withoutRecording<T>(work: () => Promise<T>): Promise<T> {
    return this.quiet.run(true, work);
  }

  private suspended(): boolean {
    return this.quiet.getStore() === true;
  }

  private familyOf(doc: ModelDocument): Family {
    let r = this.refs.get(doc.docId);
    if (!r) {
      r = { root: doc.docId, ref: 'input', flushed: 0, segments: [] };
      this.refs.set(doc.docId, r);
    }
    let f = this.families.get(r.root);
    if (!f) {
      f = { root: r.root, steps: [], docs: new Map([['input', doc.docId]]), results: new Map(), data: {}, datasets: {}, next: 1 };
      this.families.set(r.root, f);
    }
    return f;
  }

  /** The model reference for a document's current state, folding its unrecorded edits into a step. */
  modelRef(doc: ModelDocument): string {
    if (this.suspended()) return this.refs.get(doc.docId)?.ref ?? 'input';
    const family = this.familyOf(doc);
    const r = this.refs.get(doc.docId)!;
    const log = doc.history.log();
    this.dropUndone(family, r, log);
    // Plain edits gather into edit steps; a transform (simplify, opset conversion) is a step of its own.
    while (r.flushed < log.length) {
      const start = r.flushed;
      const transform = transformStep(log[start]!);
      let end = start + 1;
      if (!transform) while (end < log.length && !transformStep(log[end]!)) end++;
      const id = `${transform ? transform.kind : 'edit'}-${family.next++}`;
      const n = end - start;
      const summary = (transform && this.summaries.get(log[start]!.params as object)) ?? (transform ? log[start]!.label : `${n} edit${n === 1 ? '' : 's'}`);
      family.steps.push(transform ? ({ id, model: r.ref, ...transform } as RecipeStep) : { id, kind: 'edit', model: r.ref, commands: log.slice(start, end).map((e) => ({ command: e.command, params: e.params, label: e.label })) });
      family.docs.set(id, doc.docId);
      family.results.set(id, { status: 'done', summary, docId: doc.docId });
      r.segments.push({ stepId: id, start, end, lastParams: log[end - 1]!.params, before: r.ref });
      r.ref = id;
      r.flushed = end;
    }
    return r.ref;
  }

  /**
   * Undo takes back steps already recorded: a step whose last history entry is no longer applied (undone,
   * or undone and replaced by another edit) leaves the recipe, so the recipe stays what the document is.
   * A step a later step reads (a profile of that model) stays: it is what that step ran on.
   */
  private dropUndone(family: Family, r: DocRef, log: { params: unknown }[]): void {
    for (let seg = r.segments.at(-1); seg; seg = r.segments.at(-1)) {
      if (seg.end <= log.length && log[seg.end - 1]!.params === seg.lastParams) return;
      const id = seg.stepId;
      const readers = family.steps.filter((s) => (s.kind === 'compare' ? [s.reference, ...s.variants] : [s.model]).includes(id));
      if (readers.length > 0) return;
      r.segments.pop();
      family.steps = family.steps.filter((s) => s.id !== id);
      family.results.delete(id);
      family.docs.delete(id);
      if (family.output === id) delete family.output;
      r.ref = seg.before;
      r.flushed = seg.start;
    }
  }

  /** The result line of the transform just applied to `doc` (its latest history entry), for the pipeline view. */
  describeLatest(doc: ModelDocument, summary: string): void {
    const params = doc.history.log().at(-1)?.params;
    if (params && typeof params === 'object') this.summaries.set(params, summary);
  }

  /** A data folder in the recipe's table, named after the folder. */
  dataName(doc: ModelDocument, dataset: Dataset, datasetId: string): string {
    if (this.suspended()) return path.basename(dataset.name) || 'data';
    const family = this.familyOf(doc);
    const base = path.basename(dataset.name) || 'data';
    let name = base;
    for (let i = 2; family.data[name] && family.data[name]!.path !== (path.isAbsolute(dataset.name) ? dataset.name : undefined); i++) name = `${base}-${i}`;
    family.data[name] = { ...(path.isAbsolute(dataset.name) ? { path: dataset.name } : {}), files: dataset.usable.length };
    family.datasets[name] = datasetId;
    return name;
  }

  /** Records a step run on `doc`; a step that made a document (quantize) gives it the step's reference. */
  record(doc: ModelDocument, step: NewStep, result: StepResult): string {
    if (this.suspended()) return step.id ?? '';
    const family = this.familyOf(doc);
    const id = step.id ?? `${step.kind}-${family.next++}`;
    family.steps.push({ ...step, id } as RecipeStep);
    family.results.set(id, result);
    if (step.kind === 'quantize' && result.docId) {
      family.docs.set(id, result.docId);
      this.refs.set(result.docId, { root: family.root, ref: id, flushed: 0, segments: [] });
      family.output = id;
    }
    return id;
  }

  /** A document closed: once no document of its family is open, the family's recipe can never be read again and goes. */
  forget(docId: string): void {
    const root = this.refs.get(docId)?.root;
    if (root === undefined) return;
    const open = new Set(this.documents.all().map((d) => d.docId));
    const members = [...this.refs].filter(([, r]) => r.root === root).map(([id]) => id);
    if (members.some((id) => open.has(id))) return;
    this.families.delete(root);
    for (const id of members) this.refs.delete(id);
  }

  familyRoot(docId: string): string | undefined {
    return this.refs.get(docId)?.root;
  }

  /** For a re-run: the documents holding each model reference, and the datasets by data name. */
  session(docId: string): { models: Record<string, string>; datasets: Record<string, string> } {
    const family = this.families.get(this.refs.get(docId)?.root ?? docId);
    return { models: Object.fromEntries(family?.docs ?? []), datasets: { ...(family?.datasets ?? {}) } };
  }

  /** The recipe of the model family a document belongs to, with this session's results beside it. */
  recipe(docId: string): { recipe: Recipe; results: Record<string, StepResult> } {
    const doc = this.documents.get(docId);
    const rootId = this.refs.get(docId)?.root ?? docId;
    const root = this.documents.get(rootId);
    // Pending edits of every document in the family become steps now.
    for (const [id, r] of this.refs) if (r.root === rootId && this.documents.all().some((d) => d.docId === id)) this.modelRef(this.documents.get(id));
    if (!this.refs.has(docId)) this.modelRef(doc);
    const family = this.familyOf(root);
    const recipe: Recipe = {
      format: 'onnx-studio.recipe',
      version: 1,
      input: { name: root.fileName, ...(root.path ? { path: root.path } : {}), sha256: createHash('sha256').update(root.bytes).digest('hex') },
      data: family.data,
      steps: family.steps,
      ...(family.output ? { output: family.output } : {}),
    };
    return { recipe, results: Object.fromEntries(family.results) };
  }

  /** Replaces the family's steps with edited ones (the pipeline view), after checking the whole recipe still holds. */
  updateSteps(docId: string, steps: unknown[]): void {
    const rootId = this.refs.get(docId)?.root ?? docId;
    const family = this.familyOf(this.documents.get(rootId));
    const parsed = steps.map((s, i) => {
      const r = RECIPE_STEP.safeParse(s);
      if (!r.success) throw new EngineError('BAD_ARGUMENT', `Step ${i + 1} is not valid: ${r.error.issues[0]!.path.join('.')} ${r.error.issues[0]!.message}.`);
      return r.data;
    });
    try {
      parseRecipe({ ...this.recipe(docId).recipe, steps: parsed, output: family.output && parsed.some((s) => s.id === family.output) ? family.output : undefined });
    } catch (e) {
      throw new EngineError('BAD_ARGUMENT', `The steps do not fit together: ${e instanceof Error ? e.message : String(e)}.`);
    }
    family.steps = parsed;
    for (const id of [...family.results.keys()]) if (!parsed.some((s) => s.id === id)) family.results.delete(id);
    if (family.output && !parsed.some((s) => s.id === family.output)) delete family.output;
  }

  setResult(docId: string, stepId: string, result: StepResult): void {
    const rootId = this.refs.get(docId)?.root ?? docId;
    const family = this.familyOf(this.documents.get(rootId));
    family.results.set(stepId, result);
    if (result.docId) {
      family.docs.set(stepId, result.docId);
      this.refs.set(result.docId, { root: rootId, ref: stepId, flushed: 0, segments: [] });
    }
  }
}
