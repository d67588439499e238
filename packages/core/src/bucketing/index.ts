export { hash } from "./hash.js";
export type { NamespaceTuple } from "./namespace.js";
export { inNamespace } from "./namespace.js";
export type { BucketRange } from "./ranges.js";
export { chooseVariation, getBucketRanges, getEqualWeights } from "./ranges.js";
export { percentToFraction, weightFractions } from "./weights.js";
