-- A run trained on the webgpu backend records the GPU it ran on ({vendor, architecture, device,
-- description, software}, as the WebGPU adapter reports them), so that a result and its
-- training speed can be told apart by hardware. NULL for runs on the CPU backends.
ALTER TABLE "Result" ADD COLUMN "adapter" JSONB;
