"""PyTorch side of `npm run bench:train`: the same network, batch size and optimizer as the tfjs
run, on the same cores, on real Fashion-MNIST images. Prints one JSON line."""
import argparse, gzip, json, os, sys, time

import numpy as np
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument('--model', choices=['cnn', 'mlp'], required=True)
p.add_argument('--batch', type=int, default=32)
p.add_argument('--steps', type=int, default=300)
p.add_argument('--warmup', type=int, default=30)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(0)

def idx(path):
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)

x = idx(os.path.join(a.data, 'train-images-idx3-ubyte.gz')).astype(np.float32) / 255.0
y = idx(os.path.join(a.data, 'train-labels-idx1-ubyte.gz')).astype(np.int64)
n = (a.steps + a.warmup) * a.batch
x = torch.from_numpy(x[:n].copy()).unsqueeze(1)  # NCHW, PyTorch's native conv layout
y = torch.from_numpy(y[:n].copy())

if a.model == 'cnn':
    # Keras 'same' with kernel 2 pads one row/column at the right/bottom; done explicitly because
    # PyTorch's padding='same' takes a slow path for even kernels.
    net = nn.Sequential(
        nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(1, 64, 2), nn.ReLU(), nn.MaxPool2d(2),
        nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(64, 16, 2), nn.Tanh(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
else:
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.Tanh(), nn.Linear(128, 64), nn.Sigmoid(), nn.Linear(64, 10))
opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
loss_fn = nn.CrossEntropyLoss()

def step(i):
    xb = x[i * a.batch:(i + 1) * a.batch]
    yb = y[i * a.batch:(i + 1) * a.batch]
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(net(xb), yb)
    loss.backward()
    opt.step()
    return loss.item()

for i in range(a.warmup):
    step(i)
t0 = time.perf_counter()
for i in range(a.warmup, a.warmup + a.steps):
    step(i)
dt = time.perf_counter() - t0
print(json.dumps({'model': a.model, 'batch': a.batch, 'steps': a.steps, 'threads': a.threads,
                  'samplesPerSec': a.steps * a.batch / dt, 'torch': torch.__version__,
                  'glibcTunables': os.environ.get('GLIBC_TUNABLES')}))
