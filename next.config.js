/**
 * Browser features the app never uses, denied to it and to anything it could embed. The token
 * page copies a new token to the clipboard, so clipboard-write keeps its default (this origin).
 * Only names Chromium knows: an unknown one is an "Unrecognized feature" console warning
 * (Chromium 156 on Linux knows neither bluetooth nor web-share).
 */
const DENIED_FEATURES = [
  "accelerometer",
  "autoplay",
  "camera",
  "display-capture",
  "encrypted-media",
  "fullscreen",
  "geolocation",
  "gyroscope",
  "hid",
  "idle-detection",
  "local-fonts",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "picture-in-picture",
  "publickey-credentials-get",
  "screen-wake-lock",
  "serial",
  "usb",
  "xr-spatial-tracking",
];

/**
 * Headers on every response: pages, route handlers (JSON, CSV, PNG, the SSE stream), build
 * assets and error pages. The Content-Security-Policy here is the one for everything that is not
 * a page: nothing in a JSON, CSV or PNG answer may run, load or be framed, should a browser ever
 * render one. proxy.ts replaces it on pages with the nonce policy of
 * lib/server/content-security-policy.ts (a proxy's response headers win over these).
 */
const SECURITY_HEADERS = [
  // No MIME sniffing: a CSV or JSON answer with user-chosen text is never read as HTML or script.
  { key: "X-Content-Type-Options", value: "nosniff" },
  // URLs carry class slugs and submission ids: other sites learn nothing, not even our origin.
  // Same-origin requests keep it (and the Origin header, which server actions check, is unaffected).
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: DENIED_FEATURES.map((feature) => `${feature}=()`).join(", ") },
  // frame-ancestors for browsers that predate it.
  { key: "X-Frame-Options", value: "DENY" },
  // A page opened from another site (or opening one) shares no window handle with it.
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  // Other sites may not embed our answers (test images, CSVs) as no-cors subresources.
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
  {
    key: "Content-Security-Policy",
    value: "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native addons and WebAssembly-heavy packages are loaded by Node at run time, not bundled.
  // Loaded by Node, not bundled: native or WebAssembly modules that read files next to themselves
  // (argon2, tfjs's wasm, h5wasm for Keras downloads), and packages that don't survive bundling.
  serverExternalPackages: [
    "@node-rs/argon2",
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-backend-wasm",
    "pg-boss",
    "h5wasm",
    "onnx-proto",
    "protobufjs",
  ],
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden() renders app/forbidden.tsx with a real 403 status.
  experimental: { authInterrupts: true },
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
