/**
 * A simulated LLM judge: grades an answer from 0 to 1, deterministically, offline. A real
 * judge would call a model with a rubric; this one knows the simulated truth (the
 * step-by-step prompt's answers read better) and adds the given noise draw, so every run
 * grades the same answers the same way.
 */
export function judgeAnswer(variantKey: string, draw: number): number {
  const quality = JUDGE_QUALITY[variantKey] ?? 0.6;
  const score = quality + (draw - 0.5) * 0.5;
  return Math.round(Math.min(1, Math.max(0, score)) * 100) / 100;
}

/** The judge's mean grade per variant in the simulated truth. */
const JUDGE_QUALITY: Record<string, number> = { control: 0.62, treatment: 0.68 };
