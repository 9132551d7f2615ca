import os

# Monte Carlo here fits many small matrices; multithreaded BLAS on a loaded 2-core machine made a
# 60x240 SVD 300x slower (measured). One BLAS thread per process; the sweeps parallelize instead.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
