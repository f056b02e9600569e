import type { AttributeValue } from './attribute-value.js';

/**
 * Reads what a user typed for an attribute of a given type (as the graph view names them: int, float,
 * string, ints, floats, strings): numbers, lists with or without brackets, strings with or without
 * quotes. Returns the value or one sentence saying what is wrong.
 */
export function parseAttributeText(type: string, text: string): AttributeValue | string {
  const t = text.trim();
  const items = () => t.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unquote = (s: string) => (/^".*"$/.test(s) ? (JSON.parse(s) as string) : s);
  switch (type) {
    case 'int':
      return /^-?\d+$/.test(t) ? { type: 'INT', value: Number(t) } : 'Type a whole number.';
    case 'float':
      return t !== '' && Number.isFinite(Number(t)) ? { type: 'FLOAT', value: Number(t) } : 'Type a number.';
    case 'string':
      return { type: 'STRING', value: unquote(t) };
    case 'ints': {
      const v = items();
      return v.every((x) => /^-?\d+$/.test(x)) ? { type: 'INTS', value: v.map(Number) } : 'Type whole numbers separated by commas.';
    }
    case 'floats': {
      const v = items();
      return v.every((x) => Number.isFinite(Number(x))) ? { type: 'FLOATS', value: v.map(Number) } : 'Type numbers separated by commas.';
    }
    case 'strings':
      return { type: 'STRINGS', value: items().map(unquote) };
    default:
      return `Attributes of type ${type} cannot be edited as text.`;
  }
}

/** The editable text of a displayed value; undefined when the display is shortened (long lists). */
export function editableText(display: string): string | undefined {
  return display.includes('…') ? undefined : display.replace(/^\[|\]$/g, '');
}
