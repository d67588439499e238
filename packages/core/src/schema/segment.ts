import * as z from "zod";
import { conditionSchema, descriptionSchema, keySchema, nameSchema } from "./common.js";
import { patchShape } from "./patch.js";

/** What a caller gives to create a segment. */
export const segmentInputSchema = z.strictObject({
  key: keySchema,
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  /** The entity matches when its properties satisfy this condition. */
  condition: conditionSchema,
});

/** A change to an existing segment; the key cannot change. Fields left out keep their value. */
export const segmentPatchSchema = z.strictObject(patchShape(segmentInputSchema.shape)).omit({
  key: true,
});

export type SegmentInput = z.input<typeof segmentInputSchema>;
export type SegmentPatch = z.input<typeof segmentPatchSchema>;

/** A stored segment. */
export interface Segment {
  id: string;
  projectId: string;
  key: string;
  name: string;
  description: string;
  condition: Record<string, unknown>;
  revision: number;
  createdAt: string;
  updatedAt: string;
}
