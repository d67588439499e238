import { packageBuild } from "../../tsup.shared.ts";

// The node side only: where the built app lives. `vite build` makes the app itself.
export default packageBuild();
