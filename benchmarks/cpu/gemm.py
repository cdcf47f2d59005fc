"""The machine's fp32 GEMM rate: torch.mm of n×n matrices (best of 3; n = argv[1], 4096 for the full run), with the
threads OMP_NUM_THREADS gives. Not numpy: Debian's numpy links the reference netlib BLAS by default
(/etc/alternatives/libblas.so.3), which measures that library, not the machine."""
import json
import sys
import time

import torch

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
a, b = torch.randn(n, n), torch.randn(n, n)
torch.mm(a, b)
best = float("inf")
for _ in range(3):
    t = time.perf_counter()
    torch.mm(a, b)
    best = min(best, time.perf_counter() - t)
print(json.dumps({"side": "machine", "kind": "gemm", "config": f"torch.mm {n}^3 fp32, {torch.get_num_threads()} threads",
                  "gflops": round(2 * n ** 3 / best / 1e9, 1)}))
