import * as z from "zod";
import { conditionSchema, descriptionSchema, keySchema, nameSchema } from "./common.js";

/** What a caller gives to create a segment. */
export const segmentInputSchema = z.strictObject({
  key: keySchema,
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  /** The entity matches when its properties satisfy this condition. */
  condition: conditionSchema,
});

/** A change to an existing segment; the key cannot change. */
export const segmentPatchSchema = segmentInputSchema.omit({ key: true }).partial();

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
