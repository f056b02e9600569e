import { useState } from 'react';
import type { PreprocessPreview } from '../../../shared/api/dto.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';

function numbers(text: string): number[] {
  return text.split(/[\s,]+/).filter(Boolean).map(Number);
}

/** The preprocessing form: what turns an image into the input tensor, with a live preview of one image. */
export function PreprocessForm({ spec, update, preview, previewError }: { spec: PreprocessSpec; update(patch: Partial<PreprocessSpec>): void; preview?: PreprocessPreview; previewError?: string }) {
  const [mean, setMean] = useState(spec.mean.join(', '));
  const [std, setStd] = useState(spec.std.join(', '));
  return (
    <fieldset className="preprocess" aria-label="Preprocessing">
      <legend>Preprocessing for input “{spec.input}”</legend>
      <label>
        Size{' '}
        <input aria-label="Height" type="number" min={1} value={spec.size[0]} onChange={(e) => update({ size: [Number(e.target.value), spec.size[1]] })} />
        ×
        <input aria-label="Width" type="number" min={1} value={spec.size[1]} onChange={(e) => update({ size: [spec.size[0], Number(e.target.value)] })} />
      </label>
      <label>
        Colour{' '}
        <select aria-label="Colour" value={spec.color} onChange={(e) => update({ color: e.target.value as PreprocessSpec['color'] })}>
          <option value="rgb">RGB</option>
          <option value="bgr">BGR</option>
          <option value="gray">Gray</option>
        </select>
      </label>
      <label>
        Layout{' '}
        <select aria-label="Layout" value={spec.layout} onChange={(e) => update({ layout: e.target.value as PreprocessSpec['layout'] })}>
          <option>NCHW</option>
          <option>NHWC</option>
        </select>
      </label>
      <label>
        Scale <input aria-label="Scale" value={String(spec.scale)} onChange={(e) => Number.isFinite(Number(e.target.value)) && update({ scale: Number(e.target.value) })} />
      </label>
      <label>
        Mean <input aria-label="Mean" value={mean} onChange={(e) => (setMean(e.target.value), numbers(e.target.value).every(Number.isFinite) && update({ mean: numbers(e.target.value) }))} />
      </label>
      <label>
        Std <input aria-label="Std" value={std} onChange={(e) => (setStd(e.target.value), numbers(e.target.value).every((v) => Number.isFinite(v) && v !== 0) && update({ std: numbers(e.target.value) }))} />
      </label>
      <label>
        Resize{' '}
        <select aria-label="Resize" value={spec.resize ?? 'bilinear'} onChange={(e) => update({ resize: e.target.value as 'bilinear' | 'nearest' })}>
          <option>bilinear</option>
          <option>nearest</option>
        </select>
      </label>
      {preview && (
        <figure className="preprocess-preview" aria-label="Preview">
          <img src={preview.imageUrl} alt={`What the model sees of ${preview.file}`} width={96} height={96} />
          <figcaption>
            {preview.file}: [{preview.shape.join(', ')}], values {preview.min.toFixed(2)} … {preview.max.toFixed(2)}, mean {preview.mean.toFixed(2)}
          </figcaption>
        </figure>
      )}
      {previewError && <p role="alert">{previewError}</p>}
    </fieldset>
  );
}
