"""Reference MACs and parameters for the corpus, counted independently of the app's TypeScript cost model.

count_module runs the torch module once and counts multiply-accumulates where they happen: forward hooks on
Conv/ConvTranspose/Linear/RNN modules, and wrappers around the functional matmul family (F.linear, matmul,
bmm, baddbmm, addmm, mm, einsum) for attention code that never calls a Linear module (MultiheadAttention's
packed projections, Swin's window attention, MaxViT's einsum). Calls made inside a hooked module are not
counted twice. count_onnx does the same from python3-onnx shape inference for models that have no torch
source. Elementwise ops, pooling and normalisation are not MACs.
"""
import math


def _prod(values):
    return int(math.prod(int(v) for v in values))


def count_module(module, args, grad=False):
    import torch
    import torch.nn.functional as F

    total = [0]
    depth = [0]
    hooks = []

    def pre(_m, _inp):
        depth[0] += 1

    def post(m, inp, out):
        depth[0] -= 1
        if depth[0] == 0:
            total[0] += _module_macs(m, inp, out)

    kinds = (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d, torch.nn.ConvTranspose1d, torch.nn.ConvTranspose2d,
             torch.nn.ConvTranspose3d, torch.nn.Linear, torch.nn.LSTM, torch.nn.GRU, torch.nn.RNN)
    for m in module.modules():
        if isinstance(m, kinds):
            hooks.append(m.register_forward_pre_hook(pre))
            hooks.append(m.register_forward_hook(post))

    def wrap(owner, attr, macs_of):
        original = getattr(owner, attr)

        def wrapper(*a, **kw):
            out = original(*a, **kw)
            if depth[0] == 0:
                total[0] += macs_of(out, *a, **kw)
            return out

        setattr(owner, attr, wrapper)
        return lambda: setattr(owner, attr, original)

    def matmul_macs(out, a, b, *rest, **kw):
        return out.numel() * a.shape[-1]

    def baddbmm_macs(out, _c, a, b, *rest, **kw):
        return out.numel() * a.shape[-1]

    def linear_macs(out, x, weight, *rest, **kw):
        return out.numel() * weight.shape[-1]

    restores = [
        wrap(F, "linear", linear_macs),
        wrap(torch, "matmul", matmul_macs), wrap(torch.Tensor, "matmul", matmul_macs),
        wrap(torch, "bmm", matmul_macs), wrap(torch.Tensor, "bmm", matmul_macs),
        wrap(torch, "mm", matmul_macs), wrap(torch, "baddbmm", baddbmm_macs),
        wrap(torch, "addmm", baddbmm_macs), wrap(torch, "einsum", _einsum_macs),
    ]
    try:
        # Attention modules take a fused native fast path under no_grad that bypasses every hook; with
        # grad enabled they run the Python code the hooks see.
        with torch.set_grad_enabled(grad):
            module(*args)
    finally:
        for restore in restores:
            restore()
        for h in hooks:
            h.remove()
    params = sum(p.numel() for p in module.parameters())
    return int(total[0]), int(params)


def _module_macs(m, inp, out):
    import torch

    x = inp[0]
    if isinstance(m, (torch.nn.ConvTranspose1d, torch.nn.ConvTranspose2d, torch.nn.ConvTranspose3d)):
        # Every input element is scattered onto (out_channels / groups) x kernel outputs.
        return x.numel() * (m.out_channels // m.groups) * _prod(m.kernel_size)
    if isinstance(m, (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d)):
        return out.numel() * (m.in_channels // m.groups) * _prod(m.kernel_size)
    if isinstance(m, torch.nn.Linear):
        return out.numel() * m.in_features
    # RNNs: every time step of every layer and direction multiplies the input and the hidden state by the
    # gate weights (LSTM 4 gates, GRU 3, plain RNN 1).
    gates = {torch.nn.LSTM: 4, torch.nn.GRU: 3, torch.nn.RNN: 1}[type(m)]
    steps, batch = (x.shape[1], x.shape[0]) if m.batch_first else (x.shape[0], x.shape[1])
    dirs = 2 if m.bidirectional else 1
    total = 0
    for layer in range(m.num_layers):
        width = m.input_size if layer == 0 else m.hidden_size * dirs
        total += gates * m.hidden_size * (width + m.hidden_size)
    return steps * batch * dirs * total


def _einsum_macs(out, equation, *operands, **kw):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = operands[0]
    equation = equation.replace(" ", "")
    lhs = equation.split("->")[0].split(",")
    if len(operands) != 2 or "..." in equation:
        raise ValueError(f"corpus_macs cannot count einsum {equation!r}")
    sizes = {}
    for letters, op in zip(lhs, operands):
        for letter, size in zip(letters, op.shape):
            sizes[letter] = size
    return _prod(sizes.values())


def count_onnx(path, shapes=None):
    """MACs and parameters of an ONNX file from python3-onnx shape inference at the given static input dims.

    Returns (None, params) when a MAC-bearing op sits inside an If/Loop/Scan body (which branch runs, and how
    often, depends on data) or when a shape stays unknown.
    """
    import onnx
    from onnx import numpy_helper, shape_inference

    model = onnx.load(path)
    graph = model.graph
    for value in graph.input:
        if shapes and value.name in shapes:
            dims = value.type.tensor_type.shape.dim
            for d, size in zip(dims, shapes[value.name]):
                d.Clear()
                d.dim_value = size
    inits = {i.name: list(i.dims) for i in graph.initializer}
    params = sum(_prod(d) for d in inits.values())
    inferred = shape_inference.infer_shapes(model, data_prop=True)
    known = dict(inits)
    for value in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        dims = value.type.tensor_type.shape.dim
        if all(d.HasField("dim_value") for d in dims):
            known[value.name] = [d.dim_value for d in dims]
    for node in graph.node:
        if node.op_type == "Constant":
            t = numpy_helper.to_array(node.attribute[0].t) if node.attribute[0].HasField("t") else None
            if t is not None:
                known[node.output[0]] = list(t.shape)
    heavy = {"Conv", "ConvTranspose", "MatMul", "Gemm", "LSTM", "GRU", "RNN", "Einsum"}

    def in_subgraph(g):
        for n in g.node:
            for a in n.attribute:
                for sub in ([a.g] if a.HasField("g") else []) + list(a.graphs):
                    if any(x.op_type in heavy for x in sub.node) or in_subgraph(sub):
                        return True
        return False

    if in_subgraph(graph):
        return None, params
    total = 0
    for node in graph.node:
        if node.op_type not in heavy:
            continue
        try:
            total += _onnx_node_macs(node, known)
        except KeyError:
            return None, params
    return int(total), int(params)


def _onnx_node_macs(node, known):
    attrs = {a.name: a for a in node.attribute}
    op = node.op_type
    if op == "Conv":
        return _prod(known[node.output[0]]) * _prod(known[node.input[1]][1:])
    if op == "ConvTranspose":
        return _prod(known[node.input[0]]) * _prod(known[node.input[1]][1:])
    if op == "MatMul":
        return _prod(known[node.output[0]]) * known[node.input[0]][-1]
    if op == "Gemm":
        a = known[node.input[0]]
        k = a[0] if "transA" in attrs and attrs["transA"].i else a[1]
        return _prod(known[node.output[0]]) * k
    if op in ("LSTM", "GRU", "RNN"):
        x, w, r = known[node.input[0]], known[node.input[1]], known[node.input[2]]
        layout = attrs["layout"].i if "layout" in attrs else 0
        steps, batch = (x[1], x[0]) if layout else (x[0], x[1])
        return steps * batch * (_prod(w) + _prod(r))
    raise KeyError(op)
