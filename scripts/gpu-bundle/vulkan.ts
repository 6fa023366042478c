// The Vulkan loader (Dawn opens libvulkan.so.1) as Debian's own .deb files, which the launcher
// unpacks with `dpkg -x` on a machine that lacks it. Downloaded once with `apt-get download`
// (Debian's repositories are reachable here) and kept in node_modules/.cache.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

const PACKAGES = ["libvulkan1"];

export function copyVulkanDebs(root: string, bundle: string): string[] {
  const cache = join(root, "node_modules", ".cache", "catwalk-gpu-bundle", "debs");
  mkdirSync(cache, { recursive: true });
  const debs: string[] = [];
  for (const pkg of PACKAGES) {
    let deb = readdirSync(cache).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(".deb"));
    if (!deb) {
      try {
        execFileSync("apt-get", ["download", pkg], { cwd: cache, stdio: ["ignore", "ignore", "pipe"] });
      } catch (e) {
        throw new Error(`apt-get download ${pkg} failed (needs Debian's repositories): ${(e as Error).message}`);
      }
      deb = readdirSync(cache).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(".deb"));
      if (!deb) throw new Error(`apt-get download ${pkg} left no .deb in ${cache}`);
    }
    mkdirSync(join(bundle, "vulkan"), { recursive: true });
    copyFileSync(join(cache, deb), join(bundle, "vulkan", deb));
    debs.push(deb);
  }
  return debs;
}
