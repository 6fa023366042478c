// Node's flags for a process that runs the app's server modules outside Next.js (the worker, the
// seed, scripts and benchmarks): tsx for TypeScript, and the `react-server` export condition,
// under which `import "server-only"` resolves to an empty module instead of throwing. Next.js
// sets that condition for its own server bundles; in a client bundle the import fails the build,
// which is the point of the marker. Only react, react-dom and the server-only/client-only
// markers read this condition, and none of these processes render React.
export const SERVER_NODE_ARGS = ["--conditions=react-server", "--import", "tsx"] as const;
