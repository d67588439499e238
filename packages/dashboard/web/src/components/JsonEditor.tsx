import { useState } from "preact/hooks";
import type { Json } from "../api/types.js";

interface Props {
  id: string;
  label: string;
  value: Json;
  /** Called with the parsed value while the text is valid JSON, with undefined while not. */
  onChange: (value: Json | undefined) => void;
  readOnly?: boolean;
}

/** A JSON text area that validates as you type and says where the text stops being JSON. */
export function JsonEditor({ id, label, value, onChange, readOnly }: Props) {
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [problem, setProblem] = useState<string | null>(null);
  const update = (next: string) => {
    setText(next);
    try {
      onChange(JSON.parse(next) as Json);
      setProblem(null);
    } catch (error) {
      onChange(undefined);
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <div class="field json-editor">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        class="mono"
        rows={Math.min(12, Math.max(3, text.split("\n").length))}
        spellcheck={false}
        readOnly={readOnly}
        aria-invalid={problem !== null}
        aria-describedby={`${id}-status`}
        value={text}
        onInput={(event) => update(event.currentTarget.value)}
      />
      <p id={`${id}-status`} class={problem ? "field-error" : "field-hint"} aria-live="polite">
        {problem ? `Not valid JSON: ${problem}` : "Valid JSON"}
      </p>
    </div>
  );
}
