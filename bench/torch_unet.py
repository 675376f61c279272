"""PyTorch CPU reference for bench/train-step.ts: the same U-Net and training step, timed.

Model (as segloss' buildUNet with batchNorm off): per level two 3x3 'same' convolutions + ReLU with
16-32-64 filters, 2x2 max-pooling, nearest x2 up-sampling, skip concatenation, a final 1x1 convolution
to 4 classes. Loss: softmax cross-entropy (nn.CrossEntropyLoss on logits, the same value as categorical
cross-entropy of the softmax output). Optimiser: Adam, lr 1e-3. PyTorch uses NCHW.

Usage: python3 bench/torch_unet.py --size 64 --batch 16 --steps 5 --threads 1
Prints one JSON line: {"threads", "size", "batch", "step_ms", "step_cpu_ms", "forward_ms", "torch"}
(medians; step_cpu_ms is process CPU time, summed over threads).
"""

import argparse
import json
import statistics
import time

import torch
from torch import nn
import torch.nn.functional as F


def block(cin: int, cout: int, bn: bool) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(2):
        layers.append(nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1, bias=not bn))
        if bn:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class UNet(nn.Module):
    def __init__(self, cin: int = 1, classes: int = 4, base: int = 16, depth: int = 3, bn: bool = False):
        super().__init__()
        f = [base * 2**level for level in range(depth)]
        self.enc = nn.ModuleList([block(cin if i == 0 else f[i - 1], f[i], bn) for i in range(depth - 1)])
        self.bottleneck = block(f[-2] if depth > 1 else cin, f[-1], bn)
        self.dec = nn.ModuleList([block(f[i + 1] + f[i], f[i], bn) for i in reversed(range(depth - 1))])
        self.head = nn.Conv2d(f[0], classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for enc in self.enc:
            x = enc(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottleneck(x)
        for dec, skip in zip(self.dec, reversed(skips)):
            x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = dec(torch.cat([x, skip], dim=1))
        return self.head(x)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--bn", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = UNet(bn=a.bn)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(a.batch, 1, a.size, a.size)
    y = torch.randint(0, 4, (a.batch, a.size, a.size))
    loss_fn = nn.CrossEntropyLoss()

    def step() -> float:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return float(loss)

    def forward() -> None:
        with torch.no_grad():
            model(x)

    step()
    forward()
    steps, steps_cpu, fwds = [], [], []
    for _ in range(a.steps):
        t = time.perf_counter()
        c = time.process_time()
        step()
        steps.append((time.perf_counter() - t) * 1000)
        steps_cpu.append((time.process_time() - c) * 1000)
    for _ in range(a.steps):
        t = time.perf_counter()
        forward()
        fwds.append((time.perf_counter() - t) * 1000)
    print(json.dumps({
        "threads": a.threads, "size": a.size, "batch": a.batch,
        "step_ms": statistics.median(steps), "step_cpu_ms": statistics.median(steps_cpu), "forward_ms": statistics.median(fwds), "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
