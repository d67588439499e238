import type { ExperimentResults } from "../api/types.js";
import { formatP } from "../format.js";

/** The sample-ratio check: loud when it fires (results cannot be trusted), quiet when not. */
export function SrmBanner({ srm }: { srm: ExperimentResults["srm"] }) {
  // A bandit's shares move on purpose: there is no split to check.
  if (srm === null) return null;
  if (srm.mismatch) {
    return (
      <div class="srm srm-mismatch" role="alert" data-testid="srm">
        <strong>Sample ratio mismatch</strong> (p = {formatP(srm.pValue)}, χ² ={" "}
        {srm.chiSquare.toFixed(2)}): users are not split between variants as the weights say.
        Something upstream drops or duplicates exposures for some variant; do not trust these
        results until you find it.
      </div>
    );
  }
  return (
    <p class="srm srm-ok" data-testid="srm">
      Sample ratio as expected (p = {formatP(srm.pValue)}).
    </p>
  );
}
