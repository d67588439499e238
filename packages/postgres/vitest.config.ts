import { abkitProject } from "../../vitest.shared.ts";

export default abkitProject("postgres");
