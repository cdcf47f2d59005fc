"""The machine's fp32 GEMM rate: an n×n by n×n product (n = argv[1], 4096 for the full run) computed as a 1×1
convolution (input [1, n, 64, 64·n/4096], weight [n, n, 1, 1], 2·n³ FLOP), best of 3, with the threads
OMP_NUM_THREADS gives. Run as a convolution so torch hands it to oneDNN, the optimised kernels its UNet runs on; not
torch.mm or numpy: Debian's torch.mm and numpy go to the BLAS /etc/alternatives/libblas.so.3 names, the reference netlib
BLAS on this image, which measures that library (about 1.5 GFLOP/s here), not the machine."""
import json
import sys
import time

import torch

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
x, w = torch.randn(1, n, 64, n // 64), torch.randn(n, n, 1, 1)
torch.nn.functional.conv2d(x, w)
best = float("inf")
for _ in range(3):
    t = time.perf_counter()
    torch.nn.functional.conv2d(x, w)
    best = min(best, time.perf_counter() - t)
print(json.dumps({"side": "machine", "kind": "gemm", "config": f"{n}³ fp32 as a 1×1 convolution (oneDNN), {torch.get_num_threads()} threads",
                  "gflops": round(2 * n ** 3 / best / 1e9, 1)}))
