import { abkitProject } from "../../vitest.shared.ts";

export default abkitProject("example-openfeature");
