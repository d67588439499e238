import * as z from "zod";
import { keySchema, nameSchema } from "./common.js";

/** What a caller gives to create a project. */
export const projectInputSchema = z.strictObject({
  id: keySchema,
  organizationId: keySchema,
  name: nameSchema.optional(),
});
export type ProjectInput = z.input<typeof projectInputSchema>;

/** A project: the namespace of experiments, flags, segments, events and logs. */
export interface Project {
  id: string;
  organizationId: string;
  name: string;
  createdAt: string;
}
