"""Callable models of the bad-input corpus: a teacher that hashes the code, a student that
disagrees with it on one function."""

import hashlib

import numpy as np


def teacher(batch):
    p = np.array([0.02 + 0.96 * hashlib.sha256(x[0].encode()).digest()[0] / 255 for x in batch])
    return np.stack([1 - p, p], axis=1)


def student(batch):
    probs = teacher(batch)
    flip = np.array(["int f1(" in x[0] for x in batch])
    return np.where(flip[:, None], probs[:, ::-1], probs)
