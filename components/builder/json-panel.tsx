"use client";
import { Button } from "../ui";

/** The "Paste Keras JSON" tab: the text as typed, validated as the student types. */
export function JsonPanel({
  json,
  valid,
  note,
  onChange,
  onOpenInBuilder,
}: {
  json: string;
  valid: boolean;
  /** Why the last "Open in the builder" did not open it. */
  note: string | null;
  onChange: (json: string) => void;
  onOpenInBuilder: () => void;
}) {
  return (
    <div>
      <label htmlFor="field-architecture" className="block text-sm font-medium text-slate-700">
        Architecture (Keras model JSON)
      </label>
      <p id="field-architecture-hint" className="mt-0.5 text-xs text-slate-500">
        Paste the output of <code>model.to_json()</code> from Keras 2, tf.keras or Keras 3. Input 28×28×1, 28×28 or 784;
        output 10 classes.
      </p>
      <textarea
        id="field-architecture"
        rows={18}
        spellCheck={false}
        value={json}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={valid ? undefined : true}
        // The summary panel lists the errors (id "model-errors").
        aria-describedby="field-architecture-hint model-errors"
        className="mt-1 block w-full rounded-md border-0 px-3 py-2 font-mono text-xs text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-brand-600"
      />
      <div className="mt-2 flex items-center gap-3">
        <Button type="button" variant="secondary" onClick={onOpenInBuilder}>
          Open in the builder
        </Button>
        {note && <p className="text-sm text-amber-700">{note}</p>}
      </div>
    </div>
  );
}
