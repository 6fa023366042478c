import type { NextRequest } from "next/server";
import { handleGraphQLRequest } from "@/graphql/http";

// Wrapper functions, not `export { handler as GET }`: Next 16's route type-check wants these
// exact signatures.
export async function GET(request: NextRequest): Promise<Response> {
  return handleGraphQLRequest(request);
}

export async function POST(request: NextRequest): Promise<Response> {
  return handleGraphQLRequest(request);
}
