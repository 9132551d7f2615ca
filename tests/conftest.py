import os

# One BLAS thread in the test suite (set before numpy loads): the Monte Carlo tests call small
# eigendecompositions and SVDs, for which OpenBLAS threads gain nothing and, on a loaded machine
# with few cores, cost up to ~10x (measured: kernel-ridge Monte Carlo tests 17 s vs 1.7 s).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
