export type { BayesianOptions, BayesianResult, NormalPosterior } from "./bayesian.js";
export { bayesianBinomial, bayesianNormal } from "./bayesian.js";
export { chanceToBeatControl, chanceToBeatControlNormal } from "./chanceToBeatControl.js";
export { cupedTest } from "./cuped.js";
export { chiSquareSurvival, studentTCdf, studentTQuantile } from "./distributions.js";
export { sampleCovariance, sampleMean, sampleVariance } from "./moments.js";
export { benjaminiHochbergAdjust, holmAdjust } from "./multipleTesting.js";
export { newcombeInterval, wilsonInterval } from "./newcombe.js";
export { normalCdf, normalQuantile } from "./normal.js";
export {
  oneSidedSequentialBounds,
  oneSidedSequentialCritical,
  proportionOneSidedSequentialBounds,
} from "./oneSidedSequential.js";
export type { DetectableEffect, ExperimentPlan } from "./power.js";
export { detectableEffect, planExperiment } from "./power.js";
export type { DetectableEffectInput, PlanInput } from "./powerInput.js";
export { detectableInputSchema, planInputSchema } from "./powerInput.js";
export { proportionTest } from "./proportionTest.js";
export type { QuantileEstimate } from "./quantileDifference.js";
export {
  orderStatisticRanks,
  quantileDifference,
  sketchQuantileInterval,
} from "./quantileDifference.js";
export { seededRandom, standardNormal } from "./random.js";
export { relativeRate } from "./rateRatio.js";
export { ratioTest } from "./ratioTest.js";
export type { RelativeInput, RelativeReference } from "./relativeEffect.js";
export { relativeEffect } from "./relativeEffect.js";
export type { SequentialInterval, SequentialOptions } from "./sequential.js";
export { proportionSequentialInterval, sequentialInterval } from "./sequential.js";
export type { SketchBuckets } from "./sketch.js";
export {
  mergeSketches,
  SKETCH_RELATIVE_ERROR,
  sketchBucket,
  sketchBucketBounds,
  sketchQuantile,
} from "./sketch.js";
export {
  betaDensity,
  logBeta,
  logGamma,
  regularizedGammaQ,
  regularizedIncompleteBeta,
} from "./special.js";
export type { SrmResult } from "./srmTest.js";
export { SRM_THRESHOLD, srmTest } from "./srmTest.js";
export type { Posterior } from "./thompson.js";
export { chanceToBeBest } from "./thompson.js";
export type {
  AbsoluteEffect,
  CupedResult,
  CupedSide,
  Interval,
  MeanSide,
  ProportionSide,
  RatioResult,
  RatioSide,
  RelativeEffect,
  TestOptions,
  TestResult,
} from "./types.js";
export { welchDf, welchTest } from "./welchTest.js";
