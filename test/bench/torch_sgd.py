#!/usr/bin/python3
"""The article's SGD loop in real PyTorch, timed: what xlgrad's compiled loop is compared with.

    /usr/bin/python3 test/bench/torch_sgd.py STEPS DTYPE

Builds the 1-2-2-1 ReLU net from torch.manual_seed(0), then times STEPS
iterations of zero_grad, forward, sum-of-squares loss, backward and SGD step
(lr 0.01) on x = y = 1, after a short warm-up; the best of 3 such runs is
reported (like the JavaScript side), so a busy machine hurts less. Prints one JSON object.
"""

import json
import sys
import time

import torch
from torch import nn


def main(steps, dtype_name):
    torch.set_num_threads(1)  # one core, like the single-threaded JavaScript loops
    dtype = {"float32": torch.float32, "float64": torch.float64}[dtype_name]
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)).to(dtype)
    x = torch.ones(1, 1, dtype=dtype)
    y = torch.ones(1, 1, dtype=dtype)
    criterion = nn.MSELoss(reduction="sum")
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(min(200, steps)):
        step()
    seconds = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(steps):
            loss = step()
        seconds = min(seconds, time.perf_counter() - start)
    print(json.dumps({"torch": torch.__version__, "dtype": dtype_name, "steps": steps,
                      "seconds": seconds, "stepsPerSecond": steps / seconds, "loss": loss.item()}))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
