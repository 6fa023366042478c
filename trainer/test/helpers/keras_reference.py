"""Reads a Keras 3 `.keras` file the way keras.saving.load_model does, without Keras (it isn't
installable here: no PyPI), and runs the model in numpy.

Usage: keras_reference.py MODEL.keras IMAGES.u8 N  (IMAGES.u8: N*784 raw uint8 pixels; N = 0 checks
the layout only)
Prints JSON: the archive's members, metadata.json, every dataset and group attribute of
model.weights.h5, the variables Keras's loader would assign to each layer, and the model's class
probabilities for the N images (pixels / 255).

The walk over the weights follows keras/src/saving/saving_lib.py: for a Sequential, `_save_state`
visits `model.layers` (the InputLayer excluded) as the container "layers", naming each child by
`naming.to_snake_case` of its class with a per-name counter (`_get_unique_name`), and
`H5IOStore.get(path)` reads `<path>/vars`; `Layer.load_own_variables` then assigns dataset "i" to
the layer's i-th variable (trainable first). A missing dataset or a count mismatch is an error,
as it is for Keras; so is a shape other than the one the Keras layer builds.
"""

import io
import json
import re
import sys
import zipfile

import h5py
import numpy as np


def to_snake_case(name):  # keras/src/utils/naming.py
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


def tup(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


# The variables each Keras 3 class creates in build(), in order, from its config and input shape
# (keras/src/layers/...: kernel then bias; depthwise then pointwise; gamma, beta, then the moving
# statistics; a transposed conv's kernel is (kh, kw, filters, in_channels)).
def expected_shapes(cls, cfg, input_shape):
    cin = input_shape[-1]
    bias = [(cfg["filters"] if "filters" in cfg else cfg.get("units", 0),)] if cfg.get("use_bias", True) else []
    if cls == "Dense":
        return [(cin, cfg["units"])] + bias
    if cls in ("Conv1D", "Conv2D"):
        k = tup(cfg["kernel_size"], 1 if cls == "Conv1D" else 2)
        return [k + (cin, cfg["filters"])] + bias
    if cls == "Conv2DTranspose":
        return [tup(cfg["kernel_size"], 2) + (cfg["filters"], cin)] + bias
    if cls == "DepthwiseConv2D":
        dm = cfg.get("depth_multiplier", 1)
        return [tup(cfg["kernel_size"], 2) + (cin, dm)] + ([(cin * dm,)] if cfg.get("use_bias", True) else [])
    if cls == "SeparableConv2D":
        dm = cfg.get("depth_multiplier", 1)
        return [tup(cfg["kernel_size"], 2) + (cin, dm), (1, 1, cin * dm, cfg["filters"])] + bias
    if cls == "BatchNormalization":
        n = int(cfg.get("scale", True)) + int(cfg.get("center", True)) + 2
        return [(cin,)] * n
    if cls == "LayerNormalization":
        return [(cin,)] * (int(cfg.get("scale", True)) + int(cfg.get("center", True)))
    if cls == "PReLU":
        shared = cfg.get("shared_axes") or []
        shared = [shared] if isinstance(shared, int) else shared
        return [tuple(1 if i + 1 in shared else d for i, d in enumerate(input_shape[1:]))]
    return []


ACT = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "selu": lambda x: 1.0507009873554805
    * np.where(x > 0, x, 1.6732632423543772 * np.expm1(np.minimum(x, 0))),
    "softplus": lambda x: np.logaddexp(0, x),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "swish": lambda x: x / (1 + np.exp(-x)),
    "silu": lambda x: x / (1 + np.exp(-x)),
}


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def activation(name, x):
    if name == "softmax":
        return softmax(x)
    return ACT[name](x)


def pads(n, k, s, padding):
    if padding == "valid":
        return 0, 0, (n - k) // s + 1
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2, out


def windows(x, kh, kw, sh, sw, padding, fill):
    """x: (N, H, W, C) → (N, OH, OW, kh, kw, C) patches, TF's 'same' padding (extra at the end)."""
    n, h, w, c = x.shape
    t, b, oh = pads(h, kh, sh, padding)
    l, r, ow = pads(w, kw, sw, padding)
    xp = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)
    out = np.empty((n, oh, ow, kh, kw, c), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, :, i, j, :] = xp[:, i : i + sh * oh : sh, j : j + sw * ow : sw, :]
    return out


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def run_layer(cls, cfg, ws, x):
    if cls == "Dense":
        y = x @ ws[0] + (ws[1] if len(ws) > 1 else 0)
        return activation(cfg.get("activation", "linear"), y)
    if cls == "Conv2D":
        kh, kw = pair(cfg["kernel_size"])
        sh, sw = pair(cfg.get("strides", 1))
        if pair(cfg.get("dilation_rate", 1)) != (1, 1) or cfg.get("groups", 1) != 1:
            raise NotImplementedError("dilated or grouped Conv2D")
        p = windows(x, kh, kw, sh, sw, cfg.get("padding", "valid"), 0.0)
        y = np.einsum("nhwijc,ijcf->nhwf", p, ws[0]) + (ws[1] if len(ws) > 1 else 0)
        return activation(cfg.get("activation", "linear"), y)
    if cls in ("MaxPooling2D", "AveragePooling2D"):
        kh, kw = pair(cfg.get("pool_size", 2))
        sh, sw = pair(cfg.get("strides") or (kh, kw))
        padding = cfg.get("padding", "valid")
        if cls == "MaxPooling2D":
            return windows(x, kh, kw, sh, sw, padding, -np.inf).max(axis=(3, 4))
        ones = np.ones(x.shape[:3] + (1,), dtype=x.dtype)
        s = windows(x, kh, kw, sh, sw, padding, 0.0).sum(axis=(3, 4))
        return s / windows(ones, kh, kw, sh, sw, padding, 0.0).sum(axis=(3, 4))
    if cls == "GlobalAveragePooling2D":
        return x.mean(axis=(1, 2))
    if cls == "GlobalMaxPooling2D":
        return x.max(axis=(1, 2))
    if cls == "Flatten":
        return x.reshape(x.shape[0], -1)
    if cls == "Reshape":
        return x.reshape((x.shape[0],) + tuple(cfg["target_shape"]))
    if cls in ("Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout"):
        return x
    if cls == "Activation":
        return activation(cfg["activation"], x)
    if cls == "ReLU":
        y = np.where(
            x >= cfg.get("threshold", 0.0), x, cfg.get("negative_slope", 0.0) * (x - cfg.get("threshold", 0.0))
        )
        return y if cfg.get("max_value") is None else np.minimum(y, cfg["max_value"])
    if cls == "LeakyReLU":
        return np.where(x >= 0, x, cfg.get("negative_slope", 0.3) * x)
    if cls == "Softmax":
        return softmax(x, cfg.get("axis", -1))
    if cls == "BatchNormalization":
        i = 0
        gamma = beta = None
        if cfg.get("scale", True):
            gamma, i = ws[i], i + 1
        if cfg.get("center", True):
            beta, i = ws[i], i + 1
        mean, var = ws[i], ws[i + 1]
        y = (x - mean) / np.sqrt(var + cfg.get("epsilon", 1e-3))
        return y * (1 if gamma is None else gamma) + (0 if beta is None else beta)
    raise NotImplementedError(cls)


def main(path, images_path, n):
    zf = zipfile.ZipFile(path)
    config = json.loads(zf.read("config.json"))
    metadata = json.loads(zf.read("metadata.json"))
    h5 = h5py.File(io.BytesIO(zf.read("model.weights.h5")), "r")
    datasets, attrs = {}, {}

    def visit(name, obj):
        for k, v in obj.attrs.items():
            attrs[f"{name}@{k}"] = v.decode() if isinstance(v, bytes) else str(v)
        if isinstance(obj, h5py.Dataset):
            datasets[name] = {"shape": list(obj.shape), "dtype": str(obj.dtype)}

    h5.visititems(visit)
    for k, v in h5["vars"].attrs.items():
        attrs[f"vars@{k}"] = str(v)
    if "vars" not in h5:  # Keras 3.0's H5IOStore.get("") reads h5_file["vars"] unconditionally.
        raise KeyError("vars")

    assert config["module"] == "keras" and config["class_name"] == "Sequential", config["class_name"]
    layers = config["config"]["layers"]
    assert layers[0]["class_name"] == "InputLayer"
    batch_shape = layers[0]["config"]["batch_shape"]
    used, assigned, weights = {}, {}, []
    for layer in layers[1:]:
        assert layer["module"] == "keras.layers" and layer["registered_name"] is None
        cls, cfg = layer["class_name"], layer["config"]
        name = to_snake_case(cls)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        path_ = f"layers/{name}"
        group = h5[path_]["vars"] if path_ in h5 and "vars" in h5[path_] else {}
        want = expected_shapes(cls, cfg, layer["build_config"]["input_shape"])
        if len(group) != len(want):
            raise ValueError(f"Layer '{cfg['name']}' expected {len(want)} variables, but received {len(group)}")
        ws = [np.array(group[str(i)], dtype=np.float64) for i in range(len(want))]
        for i, (w, shape) in enumerate(zip(ws, want)):
            if w.shape != shape:
                raise ValueError(f"Layer '{cfg['name']}' variable {i}: shape {w.shape}, Keras builds {shape}")
        assigned[cfg["name"]] = {"path": path_, "shapes": [list(w.shape) for w in ws]}
        weights.append((cls, cfg, ws))

    x = np.zeros((0, 10))
    if n > 0:  # N = 0: check the layout only (the forward pass knows fewer classes than the loader)
        pixels = np.fromfile(images_path, dtype=np.uint8)[: n * 784].astype(np.float64) / 255
        x = pixels.reshape([n] + batch_shape[1:])
        for cls, cfg, ws in weights:
            x = run_layer(cls, cfg, ws, x)
    print(
        json.dumps(
            {
                "members": zf.namelist(),
                "metadata": metadata,
                "datasets": datasets,
                "attrs": attrs,
                "assigned": assigned,
                "probabilities": x.tolist(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
