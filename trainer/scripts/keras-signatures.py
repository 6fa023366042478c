"""Writes trainer/test/keras/keras3-layer-args.json: the constructor arguments each Keras 3 layer
class accepts (its own __init__, its Keras base classes', and Layer's keyword arguments), read
from Keras's source with Python's ast (no Keras import needed), for each checkout given.

Usage: python3 trainer/scripts/keras-signatures.py OUT.json LABEL=PATH_TO_KERAS_PACKAGE ...
  e.g. v3.0.0=/tmp/keras-3.0.0/keras v3.16.0=/tmp/keras-3.16.0/keras/src
The export test checks every config.json layer against the arguments all given versions accept.
"""

import ast
import json
import pathlib
import sys

CLASSES = [
    "Dense", "Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
    "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "Flatten", "Reshape", "Permute", "Dropout", "SpatialDropout1D", "AlphaDropout", "GaussianDropout",
    "GaussianNoise", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "PReLU",
    "BatchNormalization", "LayerNormalization", "ZeroPadding2D", "Cropping2D", "UpSampling2D", "InputLayer",
]


def classes_in(root):
    found = {}
    for path in pathlib.Path(root, "layers").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                found[node.name] = node
    return found


def init_args(cls):
    for item in cls.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            a = item.args
            names = [x.arg for x in a.args[1:] + a.kwonlyargs]
            return names, a.kwarg is not None
    return None, True


def accepted(name, found, seen=()):
    cls = found[name]
    own, has_kwargs = init_args(cls)
    args = set(own or [])
    if own is None or has_kwargs:
        for base in cls.bases:
            b = base.id if isinstance(base, ast.Name) else getattr(base, "attr", None)
            if b in found and b not in seen and b != name:
                args |= accepted(b, found, seen + (name,))
    return args


def main(out, *specs):
    result = {}
    for spec in specs:
        label, root = spec.split("=", 1)
        found = classes_in(root)
        # Layer.__init__'s own keyword arguments and the two it pops (input_shape, input_dim).
        layer_args, _ = init_args(found["Layer"])
        base = set(layer_args) | {"input_shape", "input_dim"}
        per_class = {}
        for c in CLASSES:
            args = accepted(c, found)
            own, has_kwargs = init_args(found[c])
            # Classes whose chain reaches Layer with **kwargs take Layer's arguments too.
            if c != "InputLayer" and (own is None or has_kwargs):
                args |= base
            args.discard("rank")
            per_class[c] = sorted(args)
        result[label] = per_class
    pathlib.Path(out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
