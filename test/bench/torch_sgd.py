#!/usr/bin/python3
"""SGD loops in real PyTorch, timed: what xlgrad's compiled loop is compared with.

    /usr/bin/python3 test/bench/torch_sgd.py STEPS DTYPE
    /usr/bin/python3 test/bench/torch_sgd.py STEPS DTYPE dataset < spec.json

The first form builds the article's 1-2-2-1 ReLU net from torch.manual_seed(0)
and times STEPS iterations of zero_grad, forward, sum-of-squares loss, backward
and SGD step (lr 0.01) on x = y = 1.

The second reads a data set and a starting point as JSON from stdin,
{"layers", "lr", "x", "y", "weights", "biases"} (weights: one row-major
out x in list per Linear layer, as nn.Linear stores them), builds Linear layers
with tanh between them and a linear output, and times STEPS full-batch steps of
zero_grad, forward over all samples, MSELoss (mean), backward and SGD step. It
first records the losses of the first `check` steps from the given start, so
the caller can see that both sides train the same net.

Both time after a short warm-up and report the best of 3 runs (like the
JavaScript side), so a busy machine hurts less. Prints one JSON object.
"""

import json
import sys
import time

import torch
from torch import nn


def timed(step, steps):
    for _ in range(min(200, steps)):
        step()
    seconds = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(steps):
            loss = step()
        seconds = min(seconds, time.perf_counter() - start)
    return seconds, loss.item()


def sgd_step(model, criterion, opt, x, y):
    """One training step as the benchmarks time it: zero_grad, forward, backward, step."""
    def step():
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step

def article(steps, dtype):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)).to(dtype)
    x = torch.ones(1, 1, dtype=dtype)
    y = torch.ones(1, 1, dtype=dtype)
    criterion = nn.MSELoss(reduction="sum")
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    step = sgd_step(model, criterion, opt, x, y)

    seconds, loss = timed(step, steps)
    return {"seconds": seconds, "loss": loss}


def dataset(steps, dtype, spec):
    sizes = spec["layers"]
    modules = []
    for i in range(len(sizes) - 1):
        linear = nn.Linear(sizes[i], sizes[i + 1]).to(dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(spec["weights"][i], dtype=dtype).view(sizes[i + 1], sizes[i]))
            linear.bias.copy_(torch.tensor(spec["biases"][i], dtype=dtype))
        modules.append(linear)
        if i < len(sizes) - 2:
            modules.append(nn.Tanh())
    model = nn.Sequential(*modules)
    x = torch.tensor(spec["x"], dtype=dtype)
    y = torch.tensor(spec["y"], dtype=dtype)
    criterion = nn.MSELoss()
    opt = torch.optim.SGD(model.parameters(), lr=spec["lr"])

    step = sgd_step(model, criterion, opt, x, y)

    check = [step().item() for _ in range(spec.get("check", 0))]
    seconds, loss = timed(step, steps)
    return {"seconds": seconds, "loss": loss, "check": check}


def main(steps, dtype_name, mode):
    torch.set_num_threads(1)  # one core, like the single-threaded JavaScript loops
    dtype = {"float32": torch.float32, "float64": torch.float64}[dtype_name]
    out = article(steps, dtype) if mode == "article" else dataset(steps, dtype, json.load(sys.stdin))
    print(json.dumps({"torch": torch.__version__, "dtype": dtype_name, "steps": steps,
                      "stepsPerSecond": steps / out["seconds"], **out}))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "article")
