"""Long training documents for the whole-text classifier, composed deterministically.

The documents are the topic texts of Python's own documentation (the standard library's
pydoc_data.topics, PSF licence; Python 3.11 as pinned in requirements-train.txt): long technical
prose full of words such as "ignore", "system", "instruction" and "override". Each composed row is
one chunk of 1,500-4,000 characters, framed as a user's request or as a retrieved document, and:

- benign: the chunk alone, or with a benign training prompt spliced in at a sentence boundary;
- injection: the chunk with a training attack spliced in at a sentence boundary (attack_at marks
  the character offset, so the trainer can pick the window that holds it).

Every second training README or source-file chunk of the libraries' wheels (benign rows of the
export) is likewise given a spliced-in training attack.

Two short kinds complete them, because chat traffic is full of texts shorter than any training
prompt ("Hello", "again", "count to 3") and a model that has only seen full questions as benign
calls everything else an attack:

- benign fragments: 1-12 consecutive words cut from benign training prompts and from the chunks;
- quoted mentions (benign): a short training attack quoted inside a question about it ("What does
  "..." mean?"), the way people ask about attacks they have seen.

Only training rows are spliced in: the development sources never appear here.
"""
import random
import re

from pydoc_data.topics import topics

MENTIONS = [
    'What does "{a}" mean?',
    'Someone posted "{a}" in our support chat. Why would anyone write that?',
    'Our security training slides quote this example of a prompt injection: "{a}". Explain why it is dangerous.',
    'Is the sentence "{a}" an attack on a chatbot? Answer yes or no and say why.',
]
FRAGMENTS = 3000
# the export's benign library READMEs and source files (export_public_data.library_documents)
LIBRARY_CATEGORIES = {"library_readme", "library_code"}
# one short training attack in this many is also quoted in a mention (about 600 mentions)
MENTION_EVERY = 11

FRAMES = [
    "Summarise the following document in five bullet points.\n\n{doc}",
    "Here is a page from the manual we ship. Which parts are out of date?\n\n{doc}",
    "{doc}\n\nTranslate the text above into German.",
    "Retrieved document 1 of 3:\n---\n{doc}\n---\nAnswer the user's question using only this document.",
    "{doc}",
    "Tool output (search_docs):\n{doc}",
    "Please proofread this section of my notes:\n\n{doc}",
]


def chunks(rng):
    text = "\n\n".join(topics[k] for k in sorted(topics))
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    out, current = [], []
    limit = rng.randint(1500, 4000)
    for p in paragraphs:
        current.append(p)
        if sum(len(c) for c in current) >= limit:
            out.append("\n\n".join(current))
            current, limit = [], rng.randint(1500, 4000)
    return out


def splice(doc, insert, rng):
    """Inserts text at a random sentence boundary; returns the text and the insert's offset."""
    boundaries = [m.end() for m in re.finditer(r"[.!?:]\s+", doc)] or [len(doc)]
    at = rng.choice(boundaries)
    return doc[:at] + insert + " " + doc[at:], at


def compose(train_rows, seed):
    rng = random.Random(seed)
    docs = chunks(rng)
    attacks = sorted({r["text"] for r in train_rows if r["label"] == 1 and 20 <= len(r["text"]) <= 600})
    benign = sorted({r["text"] for r in train_rows if r["label"] == 0 and 20 <= len(r["text"]) <= 400})
    rows = []
    for i, doc in enumerate(docs):
        frame = FRAMES[i % len(FRAMES)]
        for variant in range(3):
            kind = (i + variant) % 3
            if kind == 0:
                rows.append(row(frame.format(doc=doc), 0, "composed_document"))
            elif kind == 1:
                text, _ = splice(doc, rng.choice(benign), rng)
                rows.append(row(frame.format(doc=text), 0, "composed_document_with_benign_prompt"))
            else:
                text, at = splice(doc, rng.choice(attacks), rng)
                framed = frame.format(doc=text)
                offset = framed.index(text) + at
                rows.append(row(framed, 1, "composed_document_with_attack", attack_at=offset))
    # every second library README or code chunk (already framed as a request) with an attack in it,
    # so that a long document's style is not itself the sign of a benign text
    library = [r["text"] for r in train_rows if r["category"] in LIBRARY_CATEGORIES]
    for text in library[::2]:
        spliced, at = splice(text, rng.choice(attacks), rng)
        rows.append(row(spliced, 1, "composed_library_document_with_attack", attack_at=at))
    words = [t.split() for t in benign + docs]
    words = [w for w in words if len(w) >= 4]
    for _ in range(FRAGMENTS):
        w = rng.choice(words)
        length = rng.randint(1, min(12, len(w)))
        start = rng.randrange(0, len(w) - length + 1)
        rows.append(row(" ".join(w[start:start + length]), 0, "composed_benign_fragment"))
    for i, attack in enumerate(a for a in attacks if len(a) <= 150 and '"' not in a):
        if i % MENTION_EVERY == 0:
            rows.append(row(MENTIONS[i // MENTION_EVERY % len(MENTIONS)].format(a=attack), 0, "composed_quoted_mention"))
    return rows


def row(text, label, category, **extra):
    return {"text": text, "label": label, "category": category, "source": "gatehouse-composed-documents",
            "role": "train", **extra}
