import os

# One BLAS thread per process, set before anything imports NumPy (the clause ranker's models run
# on it): web workers already run side by side, and BLAS threads spinning over two busy cores
# made one suggestion ten times dearer in CPU. lib.embeddings says the same, too late whenever
# NumPy came first (the ranker imports it before lib).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
