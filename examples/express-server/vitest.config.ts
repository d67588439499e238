import { abkitProject } from "../../vitest.shared.ts";

export default abkitProject("example-express-server");
