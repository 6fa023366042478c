// The README written into the bundle: how to run it on the target, what each part is, its size.

export interface Part {
  what: string;
  bytes: number;
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export function bundleReadme(o: {
  parts: Part[];
  total: number;
  compression: string;
  builtAt: string;
  commit: string;
}): string {
  const rows = o.parts.map((p) => `| ${p.what} | ${mib(p.bytes)} |`).join("\n");
  return `# Catwalk GPU bundle

Built ${o.builtAt} from commit ${o.commit} by \`npm run gpu:bundle\` (scripts/gpu-bundle/).
Runs on x86-64 Linux with nothing installed: no Node, no npm, no network. The first run of
\`bin/node\` unpacks Node, dawn.node and the JavaScript (${o.compression}; with xz or gzip, else python3) and, where
the machine has no libvulkan.so.1, the Vulkan loader from vulkan/*.deb (dpkg -x, else python3),
then sets LD_LIBRARY_PATH, and VK_DRIVER_FILES/VK_ICD_FILENAMES to NVIDIA's ICD when one exists
and neither is set. The folder must be writable (it unpacks into runtime/ and lib/).

## Run

    bin/node bench/gpu.mjs --smoke          # a few steps of everything: checks the bundle works
    bin/node bench/gpu.mjs --data=DIR       # the benchmark (bench/README.md "GPU"); writes bench/results/gpu.json
    bin/catwalk-worker                      # the trainer worker against DATABASE_URL (as npm run worker)

\`bin/node\` is Node 24 with the environment above: \`bin/node -e '…'\` works too. The full
benchmark and the worker need Fashion-MNIST's four \`*-ubyte.gz\` files: pass \`--data=DIR\` or set
FASHION_MNIST_DIR (they are not in the bundle: 29 MiB). A software adapter (SwiftShader) is
correctness-only: add \`--measure-software\` to time it anyway. Flags: --skip-full, --skip-cpu-full,
--burst=16, --concurrency=1,2,4,8, --cpu-burst=K, --backends=webgpu,wasm, --presets=report-mlp,
--batches=32, --steps=N, --out=FILE. The results file is rewritten after every stage.

## What is inside

| part | size |
| --- | ---: |
${rows}
| **total** | **${mib(o.total)}** |

- runtime/node.*: Node's binary from npm's \`node\` package, stripped.
- lib/*.mjs: bench/gpu.ts, worker/main.ts, worker/process.ts and the training replica thread,
  bundled by esbuild with tfjs (webgpu and wasm backends), Prisma's client, pg-boss.
- lib/node_modules/webgpu: npm's webgpu (Dawn's dawn.node, stripped and compressed).
- lib/*.wasm, lib/simd/kernels.wat: the wasm backend's binaries and our SIMD kernels' text.
- vulkan/*.deb: Debian's Vulkan loader. fixtures/: the 2,000/1,000-image test subset (--smoke).
`;
}
