/**
 * How closely a converted or quantized model must follow the FP32 model on seeded inputs to be written
 * without being asked: the mean over samples of the worst output's cosine similarity, and the SQNR over
 * every float output value. The engine refuses below these (unless the user accepts the error), and the
 * corpus sweep judges with the same numbers (docs/corpus.md).
 */
export interface AgreementThreshold {
  cosine: number;
  sqnrDb: number;
}

export const AGREEMENT_THRESHOLDS: Record<'fp16' | 'int8-dynamic' | 'int8-static', AgreementThreshold> = {
  fp16: { cosine: 0.999, sqnrDb: 25 },
  'int8-dynamic': { cosine: 0.98, sqnrDb: 12 },
  'int8-static': { cosine: 0.95, sqnrDb: 8 },
};
