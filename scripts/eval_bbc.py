#!/usr/bin/env python3
"""Verbatim recall on BBC extractive summaries.

Usage:
  wiretrace scan DATA/bbc-news.jsonl.gz DATA/bbc-summaries.jsonl.gz --json bbc.jsonl --quiet
  python3 scripts/eval_bbc.py DATA/bbc-summaries.jsonl.gz DATA/bbc-news.jsonl.gz bbc.jsonl

A summary sentence (as wiretrace segments it) that occurs word for word in
its article must be linked to that article as verbatim: its label is
`verbatim` and its family holds a sentence of the article. Prints the share.
"""
import gzip
import json
import sys


def read_jsonl(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def squash(text):
    return " ".join(text.split())


def main(summaries_path, articles_path, scan_path):
    summary_of = {r["id"]: r["summary_of"] for r in read_jsonl(summaries_path)}
    article_text = {r["id"]: squash(r["text"]) for r in read_jsonl(articles_path)}
    family_docs = {}
    sentences = []
    for r in read_jsonl(scan_path):
        if r["type"] == "sentence":
            sentences.append(r)
        elif r["type"] == "family":
            family_docs[r["id"]] = {doc for doc, _ in r["members"]}
    total = linked = 0
    misses = []
    for s in sentences:
        article = summary_of.get(s["doc"])
        if article is None or len(s["text"].split()) < 5:
            continue
        if squash(s["text"]) not in article_text.get(article, ""):
            continue
        total += 1
        docs = family_docs.get(s["family"], set())
        if s["label"] == "verbatim" and article in docs:
            linked += 1
        else:
            misses.append((s["doc"], s["index"], s["label"], s["text"][:100]))
    print(f"summary sentences found verbatim in their article: {total}")
    print(f"linked to it as verbatim: {linked} ({100.0 * linked / max(total, 1):.2f}%)")
    for m in misses[:10]:
        print("  missed:", *m, file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
