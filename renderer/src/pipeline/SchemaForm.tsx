import { useEffect, useState, type ReactNode } from 'react';
import { z } from 'zod';
import { fieldErrors, fieldLabel, formatRecord, parseNumber, parseRecord, type FieldErrors } from './schema-fields.js';

/** The schema under optional/default wrappers, and whether it may be left out. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let inner = schema;
  let optional = false;
  for (;;) {
    if (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) {
      optional = true;
      inner = inner.unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodPipe) inner = inner.in as z.ZodType;
    else return { inner, optional };
  }
}

/** A text field that keeps what is typed (e.g. "1." on the way to "1.5") and reports a parsed value. */
function TextField({ label, value, invalid, onChange, list }: { label: string; value: unknown; invalid: boolean; onChange(text: string): void; list?: string }) {
  const shown = value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value);
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  return (
    <input
      aria-label={label}
      aria-invalid={invalid}
      value={text}
      list={list}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value);
      }}
    />
  );
}

interface FieldProps {
  schema: z.ZodType;
  path: string[];
  value: unknown;
  errors: FieldErrors;
  onChange(value: unknown): void;
  /** Special editors by field name (the preprocessing form, a backend list). */
  custom?: (key: string, value: unknown, onChange: (v: unknown) => void) => ReactNode | undefined;
}

function Field({ schema, path, value, errors, onChange, custom }: FieldProps) {
  const key = path.at(-1) ?? '';
  const label = fieldLabel(key);
  const error = errors[path.join('.')];
  const { inner, optional } = unwrap(schema);
  const special = custom?.(key, value, onChange);
  let control: ReactNode;
  if (special !== undefined) control = special;
  else if (inner instanceof z.ZodEnum) {
    control = (
      <select aria-label={label} aria-invalid={!!error} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
        {optional && <option value="">(default)</option>}
        {(inner.options as string[]).map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (inner instanceof z.ZodBoolean) {
    control = optional ? (
      <select aria-label={label} aria-invalid={!!error} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}>
        <option value="">(default)</option>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    ) : (
      <input type="checkbox" aria-label={label} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
    );
  } else if (inner instanceof z.ZodNumber) {
    control = <TextField label={label} value={value} invalid={!!error} onChange={(t) => onChange(parseNumber(t))} />;
  } else if (inner instanceof z.ZodObject) {
    const shape = inner.shape as Record<string, z.ZodType>;
    const obj = (value ?? {}) as Record<string, unknown>;
    control = (
      <fieldset className="schema-object">
        {Object.entries(shape).map(([k, s]) => (
          <Field
            key={k}
            schema={s}
            path={[...path, k]}
            value={obj[k]}
            errors={errors}
            custom={custom}
            onChange={(v) => {
              const next = { ...obj, [k]: v };
              if (v === undefined) delete next[k];
              onChange(optional && Object.keys(next).length === 0 ? undefined : next);
            }}
          />
        ))}
      </fieldset>
    );
  } else if (inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType).inner instanceof z.ZodObject) {
    const rows = Array.isArray(value) ? (value as unknown[]) : [];
    const element = inner.element as z.ZodType;
    control = (
      <div className="schema-rows">
        {rows.map((row, i) => (
          <div key={i} className="schema-row">
            <Field schema={element} path={[...path, String(i)]} value={row} errors={errors} custom={custom} onChange={(v) => onChange(rows.map((r, j) => (j === i ? v : r)))} />
            <button type="button" aria-label={`Remove ${label.toLowerCase()} ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        ))}
        <button type="button" onClick={() => onChange([...rows, {}])}>
          Add {label.toLowerCase()}
        </button>
      </div>
    );
  } else if (inner instanceof z.ZodArray) {
    // A list of names or numbers, typed comma-separated.
    const numeric = unwrap(inner.element as z.ZodType).inner instanceof z.ZodNumber;
    control = (
      <TextField
        label={label}
        value={value}
        invalid={!!error}
        onChange={(t) => {
          const items = t.split(',').map((x) => x.trim()).filter(Boolean);
          onChange(items.length === 0 && optional ? undefined : numeric ? items.map((x) => parseNumber(x)) : items);
        }}
      />
    );
  } else if (inner instanceof z.ZodRecord) {
    // Dims or values by input name, typed 'input=1x3x224x224, sr=16000'.
    const dims = unwrap(inner.valueType as z.ZodType).inner instanceof z.ZodArray;
    control = <TextField label={label} value={formatRecord(value)} invalid={!!error} onChange={(t) => onChange(parseRecord(t, dims) ?? (optional ? undefined : {}))} />;
  } else if (inner instanceof z.ZodUnion) {
    // A number or a name (a dim): numbers when they parse, else the text.
    control = <TextField label={label} value={value} invalid={!!error} onChange={(t) => onChange(parseNumber(t) ?? (optional ? undefined : ''))} />;
  } else {
    control = <TextField label={label} value={value} invalid={!!error} onChange={(t) => onChange(t === '' && optional ? undefined : t)} />;
  }
  const isGroup = inner instanceof z.ZodObject || (inner instanceof z.ZodArray && !(special !== undefined));
  return (
    <div className={`schema-field${error ? ' invalid' : ''}${isGroup ? ' group' : ''}`} data-field={path.join('.')}>
      <span className="schema-label">{label}</span>
      {control}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** A form for a z.object's fields: enums as dropdowns, numbers as fields, nested objects as groups. */
export function SchemaForm({ schema, value, onChange, custom }: { schema: z.ZodObject; value: Record<string, unknown>; onChange(v: Record<string, unknown>): void; custom?: FieldProps['custom'] }) {
  const errors = fieldErrors(schema, value);
  const shape = schema.shape as Record<string, z.ZodType>;
  return (
    <div className="schema-form">
      {Object.entries(shape).map(([k, s]) => (
        <Field
          key={k}
          schema={s}
          path={[k]}
          value={value[k]}
          errors={errors}
          custom={custom}
          onChange={(v) => {
            const next = { ...value, [k]: v };
            if (v === undefined) delete next[k];
            onChange(next);
          }}
        />
      ))}
      {errors[''] && (
        <span className="field-error" role="alert">
          {errors['']}
        </span>
      )}
    </div>
  );
}
