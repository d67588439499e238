// Evaluates classic catastrophic-backtracking patterns on adversarial values and prints the
// answers as JSON. Run in its own process by conditionsRegex.test.ts, which kills it if it
// hangs: a backtracking engine would take longer than the age of the universe here.
import { evalCondition } from "../../src/conditions/index.js";

const cases: [string, string, string][] = JSON.parse(process.argv[2] ?? "[]");
const answers = cases.map(([operator, pattern, value]) =>
  evalCondition({ value }, { value: { [operator]: pattern } }),
);
process.stdout.write(JSON.stringify(answers));
