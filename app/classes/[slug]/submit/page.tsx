import type { Metadata } from "next";
import Link from "next/link";
import { SubmitForm } from "@/components/submit-form";
import { Card, PageHeader } from "@/components/ui";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { getClass } from "@/lib/server/services/classes";
import { submitAction } from "../../actions";

export const metadata: Metadata = { title: "New submission" };

// The report's MLP (128 tanh → 64 sigmoid → 10 softmax, 109,386 parameters) as tf.keras
// writes it: a working example to edit rather than an empty box.
const EXAMPLE_ARCHITECTURE = {
  class_name: "Sequential",
  config: {
    name: "mlp",
    layers: [
      { class_name: "InputLayer", config: { batch_input_shape: [null, 784], dtype: "float32", name: "input_1" } },
      { class_name: "Dense", config: { name: "dense_1", units: 128, activation: "tanh", use_bias: true } },
      { class_name: "Dense", config: { name: "dense_2", units: 64, activation: "sigmoid", use_bias: true } },
      { class_name: "Dense", config: { name: "dense_3", units: 10, activation: "softmax", use_bias: true } },
    ],
  },
  keras_version: "2.15.0",
  backend: "tensorflow",
};

const EXAMPLE_TRAINING = {
  optimizer: "adam",
  learningRate: 0.001,
  batchSize: 32,
  maxEpochs: 100,
  earlyStopping: { monitor: "val_loss", patience: 5, restoreBestWeights: true },
};

export default async function SubmitPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const viewer = await requirePageViewer(`/classes/${slug}/submit`);
  const klass = await loadForPage(() => getClass(viewer, slug));
  return (
    <>
      <PageHeader
        title="New submission"
        subtitle={
          <>
            for <Link href={`/classes/${slug}`} className="font-medium text-brand-600 hover:text-brand-700">{klass.name}</Link>
          </>
        }
      />
      <Card className="max-w-3xl">
        <SubmitForm
          action={submitAction}
          classSlug={slug}
          defaultArchitecture={JSON.stringify(EXAMPLE_ARCHITECTURE, null, 2)}
          defaultTraining={JSON.stringify(EXAMPLE_TRAINING, null, 2)}
        />
      </Card>
    </>
  );
}
