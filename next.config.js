/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native addons and WebAssembly-heavy packages are loaded by Node at run time, not bundled.
  serverExternalPackages: ["@node-rs/argon2", "@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "pg-boss"],
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden() renders app/forbidden.tsx with a real 403 status.
  experimental: { authInterrupts: true },
};

export default nextConfig;
