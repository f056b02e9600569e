/** Raised for bytes that are not a well-formed ONNX protobuf; names the field path and byte offset. */
export class DecodeError extends Error {
  constructor(
    readonly problem: string,
    readonly offset: number,
    readonly fieldPath: string[] = [],
  ) {
    super(DecodeError.describe(problem, offset, fieldPath));
    this.name = 'DecodeError';
  }

  /** Returns a copy with one more (outer) field name in front of the path. */
  within(field: string): DecodeError {
    return new DecodeError(this.problem, this.offset, [field, ...this.fieldPath]);
  }

  private static describe(problem: string, offset: number, path: string[]): string {
    const where = path.length > 0 ? ` in ${path.join('.')}` : '';
    return `${problem} at byte ${offset}${where}`;
  }
}
