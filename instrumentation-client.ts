import { config } from "zod/v4/core";

// Runs in the browser before the app hydrates (Next's instrumentation-client convention).
//
// Zod 4 probes for eval (`new Function("")`, caught) the first time it parses an object, to
// decide whether to compile its parsers. The page policy has no 'unsafe-eval', so the probe is
// refused and Zod parses without compiling, but each refusal is a CSP violation, reported from
// every page that validates a model or a training config. Saying "jitless" up front skips the
// probe; parsing is what it already was under the policy. Zod keeps this setting on globalThis,
// so it holds for every copy of Zod a bundle may carry.
config({ jitless: true });
