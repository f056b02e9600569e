import type { GraphView } from '../../../shared/api/dto.js';

/** Suggestions of the graph's tensor names for inputs that take one (first 5,000). */
export function TensorNames({ id, view }: { id: string; view?: GraphView }) {
  return (
    <datalist id={id}>
      {Object.keys(view?.values ?? {})
        .slice(0, 5000)
        .map((v) => (
          <option key={v} value={v} />
        ))}
    </datalist>
  );
}
