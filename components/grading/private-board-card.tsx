import { Card, type FormAction } from "../ui";
import { ConfirmAction } from "./confirm-action";

// Revealing shows every student the private half's accuracy, so it asks first; hiding asks too,
// since what students already saw stays with them.
const TOGGLE = {
  reveal: {
    revealed: "true",
    label: "Reveal private leaderboard",
    title: "Reveal the private leaderboard?",
    message:
      "Every student will see accuracy on the private half of the test set, and the board can be ranked by it. Do this once submissions are closed.",
    confirmLabel: "Reveal",
    pendingText: "Revealing…",
    variant: "primary",
  },
  hide: {
    revealed: "false",
    label: "Hide private leaderboard",
    title: "Hide the private leaderboard again?",
    message:
      "Students will no longer see private-half accuracy. Anything they already saw or downloaded stays with them.",
    confirmLabel: "Hide it",
    pendingText: "Hiding…",
    variant: "secondary",
  },
} as const;

export function PrivateBoardCard({
  action,
  classSlug,
  revealed,
}: {
  action: FormAction;
  classSlug: string;
  revealed: boolean;
}) {
  const { revealed: next, ...confirm } = revealed ? TOGGLE.hide : TOGGLE.reveal;
  return (
    <Card aria-labelledby="private-heading">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h2 id="private-heading" className="font-semibold">
            Private leaderboard
          </h2>
          <p className="mt-1 text-sm text-slate-600" data-testid="private-state">
            {revealed
              ? "Revealed: students see private-half accuracy on the leaderboard."
              : "Hidden: students see only their public-half accuracy until you reveal it."}
          </p>
        </div>
        <ConfirmAction action={action} fields={{ classSlug, revealed: next }} {...confirm} />
      </div>
    </Card>
  );
}
