import { tfjsWasmFile } from "@/lib/server/tfjs-wasm";

// GET /api/tfjs-wasm/4.22.0/tfjs-backend-wasm-simd.wasm: the tfjs wasm backend's binaries, for
// in-browser inference on the model pages. Public library files (no viewer, no service): the
// version in the path makes them immutable; any other version or name is a 404.
export async function GET(_request: Request, context: { params: Promise<{ version: string; file: string }> }) {
  const { version, file } = await context.params;
  const bytes = await tfjsWasmFile(version, file);
  if (!bytes) {
    return Response.json(
      { error: { code: "NOT_FOUND", message: `No tfjs wasm file ${file} for version ${version}.` } },
      { status: 404, headers: { "cache-control": "no-store" } },
    );
  }
  return new Response(new Uint8Array(bytes), {
    headers: { "content-type": "application/wasm", "cache-control": "public, max-age=31536000, immutable" },
  });
}
