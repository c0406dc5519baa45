"""Composes long examples (1,500-3,000 characters) from the project's own short examples, so the
detector is trained and measured on long inputs too: a long benign text is a run of benign
prompts; a long attack is the same with one attack placed at its start, middle or end. Training
attacks go at the start only: the classifier learns from a text's head window, and a label for an
attack it cannot see there would be noise.

Training material comes only from data/train, development material only from data/dev-only, so
the two stay disjoint. Deterministic (fixed seed). Usage: python3 scripts/compose_long_examples.py
"""
import json
import os
import pathlib
import random


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def compose(benign, attacks, count, rng, source, positions, benign_per_attack=1):
    rows = []
    for i in range(count * benign_per_attack):
        parts = []
        target = rng.randint(1500, 3000)
        while sum(len(p) + 1 for p in parts) < target:
            parts.append(rng.choice(benign)["text"])
        rows.append({"text": "\n".join(parts), "label": 0, "category": "long_benign", "source": source})
        if i % benign_per_attack:
            continue
        attack = rng.choice(attacks)["text"]
        position = positions[(i // benign_per_attack) % len(positions)]
        index = {"start": 0, "middle": len(parts) // 2, "end": len(parts)}[position]
        with_attack = parts[:index] + [attack] + parts[index:]
        rows.append({"text": "\n".join(with_attack), "label": 1, "category": "long_attack_" + position, "source": source})
    return rows


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(path, len(rows))


def main():
    os.chdir(pathlib.Path(__file__).resolve().parent.parent)
    rng = random.Random(20240611)
    write("data/train/composed-long.jsonl",
          compose(read("data/train/authored-benign.jsonl"), read("data/train/authored-attacks.jsonl"), 60, rng,
                  "gatehouse-composed", ["start"]))
    write("data/dev-only/composed-long.jsonl",
          compose(read("data/dev-only/authored-hard-negatives.jsonl"),
                  read("data/dev-only/authored-attack-paraphrases.jsonl"), 30, rng, "gatehouse-composed-dev-only",
                  ["start", "middle", "end"]))


if __name__ == "__main__":
    main()
