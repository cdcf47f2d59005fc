"""The machine's fp32 GEMM rate: an n×n by n×n product (n = argv[1], 4096 for the full run), 2·n³ FLOP, best of 3,
with the threads OMP_NUM_THREADS / OPENBLAS_NUM_THREADS give, measured two ways, one JSON line each:
- numpy's matmul, i.e. the BLAS /etc/alternatives/libblas.so.3 names (issue 20's method); run.sh installs Debian's
  OpenBLAS (libopenblas0-pthread) so that it is an optimised BLAS. When the reference netlib BLAS is what numpy gets
  (~1.5 GFLOP/s, which measures that library, not the CPU) the line says so and the table does not use it;
- the same product as a 1×1 convolution (input [1, n, 64, n/64], weight [n, n, 1, 1]) through torch's oneDNN, the
  kernels diffusers' convolutions run on.
benchmarks/cpu/table.py takes the fastest as the machine's rate; run.sh measures at the start and at the end of a run
(argv[2] labels the line), because on a shared VM the rate moves by ±15 % within minutes."""
import json
import os
import sys
import time


def best_of(run, repeats=3):
    run()
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t)
    return best


def blas_library():
    try:
        return os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu")
    except OSError:
        return "unknown"


n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
when = f", {sys.argv[2]}" if len(sys.argv) > 2 else ""  # e.g. "start of the run"
threads = os.environ.get("OMP_NUM_THREADS", "default")
flop = 2 * n ** 3

import numpy as np  # noqa: E402

a, b = np.random.rand(n, n).astype(np.float32), np.random.rand(n, n).astype(np.float32)
library = blas_library()
optimised = "netlib" not in library and "/blas/" not in library
gflops = round(flop / best_of(lambda: a @ b) / 1e9, 1)
print(json.dumps({"side": "machine", "kind": "gemm", "config": f"{n}³ fp32 numpy matmul ({os.path.basename(os.path.dirname(library)) or library}), {threads} threads{when}",
                  "gflops": gflops, "usable": optimised}))
del a, b

import torch  # noqa: E402

x, w = torch.randn(1, n, 64, n // 64), torch.randn(n, n, 1, 1)
gflops = round(flop / best_of(lambda: torch.nn.functional.conv2d(x, w)) / 1e9, 1)
print(json.dumps({"side": "machine", "kind": "gemm", "config": f"{n}³ fp32 as a 1×1 convolution (oneDNN), {torch.get_num_threads()} threads{when}",
                  "gflops": gflops, "usable": True}))
