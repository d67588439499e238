import type { ComponentChildren } from "preact";
import { useRef, useState } from "preact/hooks";

interface Props {
  /** The button's text. */
  label: string;
  /** What the dialog asks. */
  question: ComponentChildren;
  /** The confirming button's text. */
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  danger?: boolean;
  disabled?: boolean;
  /** A longer name for screen readers when several such buttons share a page. */
  accessibleName?: string;
}

/** A button that asks first, in a native modal dialog (focus trapped, Escape cancels). */
export function ConfirmButton(props: Props) {
  const { label, question, confirmLabel, onConfirm, danger, disabled, accessibleName } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      dialog.current?.close();
    }
  };
  return (
    <>
      <button
        type="button"
        class={danger ? "button danger" : "button primary"}
        disabled={disabled}
        aria-label={accessibleName}
        onClick={() => dialog.current?.showModal()}
      >
        {label}
      </button>
      <dialog ref={dialog} class="dialog" aria-label={accessibleName ?? label}>
        <div class="dialog-body">{question}</div>
        <div class="dialog-actions">
          <button type="button" class="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            class={danger ? "button danger" : "button primary"}
            disabled={busy}
            onClick={confirm}
          >
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
