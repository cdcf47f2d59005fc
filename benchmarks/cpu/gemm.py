"""The machine's fp32 GEMM rate: numpy 4096³ (best of 3), with the threads OPENBLAS_NUM_THREADS/OMP_NUM_THREADS give."""
import json
import time

import numpy as np

n = 4096
a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
b = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
a @ b
best = min((lambda t: (a @ b, time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(3))
print(json.dumps({"side": "machine", "kind": "gemm", "config": "numpy 4096^3 fp32", "gflops": round(2 * n**3 / best / 1e9, 1)}))
