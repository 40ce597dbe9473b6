#!/usr/bin/env python3
"""One peer library doing wiretrace's verbatim-tier job, end to end.

Usage:
  python3 benches/peers/peer_job.py rensa DUMP.jsonl[.gz]
  python3 benches/peers/peer_job.py datasketch DUMP.jsonl[.gz]

`run.py` starts this once per timed run, so each run pays for the
interpreter, the imports and the reading like wiretrace does. The job:

1. read the JSON Lines dump (plain or gzip), fields `text` and `outlet`;
2. split each article into sentences with SENTENCE_END below (one simple
   regex, the same for both peers; wiretrace's news segmenter handles
   "U.S.", datelines and quotations and costs more);
3. normalize: lower case, whitespace collapsed (`str.lower().split()`);
   sentences of fewer than MIN_WORDS words are left out, as wiretrace's
   `--min-words 5` leaves them out;
4. word 3-shingles;
5. MinHash with 128 permutations (rensa: 125, see below);
6. LSH with wiretrace's banding for threshold 0.5: 25 bands of 5 rows
   (datasketch's own optimum for 0.5 / 128 is the same 25 x 5);
7. query every sentence and count its candidates among the sentences
   indexed before it, so each pair is counted once; also count the pairs
   from different outlets (what wiretrace goes on to verify).

It prints one JSON object: counts and seconds per stage ("lsh" is insert
plus query, "count" is this script's loop over the returned candidates).

The work is streamed in chunks of CHUNK sentences: build the chunk's
signatures with the library's batch API, insert them, then query them.
Only the LSH index and one chunk's shingles are held at a time, which is
how one would run a large job with these libraries.

How each library is used (their documented fast paths):
- rensa: `RMinHash.from_token_sets` (batch sketching in Rust, token strings
  passed as is), `RMinHashLSH.insert_many` and `query_all` (one call per
  chunk). `RMinHashLSH` requires num_perm to be a multiple of the band
  count, so rensa runs 125 permutations (25 x 5, exactly the values the
  other two tools' LSH reads) -- 2% fewer hash values than the others.
- datasketch: `MinHash.bulk` (reuses the permutation state across sketches;
  default scheme "affine32" and default SHA-1 token hash), and
  `MinHashLSH(params=(25, 5))` filled in an `insertion_session`, then
  `query` per sentence (datasketch has no batch query).
"""
import gzip
import json
import re
import sys
import time

NUM_PERM = 128
BANDS, ROWS = 25, 5  # wiretrace's Banding::for_threshold(0.5, 128)
THRESHOLD = 0.5
SHINGLE = 3
MIN_WORDS = 5
SEED = 42
CHUNK = 20_000

# A sentence ends at ., ! or ? (optionally followed by closing quotes or a
# bracket) before whitespace, or at a blank line.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+|\n\s*\n")


def open_dump(path):
    """Text lines of a plain or gzip JSON Lines file (sniffed, not by name)."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    if magic == b"\x28\xb5\x2f\xfd":
        sys.exit(f"peer_job: {path}: zstd input is not supported here; use plain or gzip JSONL")
    return open(path, "r", encoding="utf-8")


def chunks(path, outlet_of, counts):
    """Yields lists of shingle lists, CHUNK sentences at a time.

    Appends each yielded sentence's outlet number to `outlet_of`.
    """
    outlets = {}
    batch = []
    with open_dump(path) as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            counts["articles"] += 1
            outlet = outlets.setdefault(record.get("outlet"), len(outlets))
            for sentence in SENTENCE_END.split(record["text"]):
                counts["sentences"] += 1
                words = sentence.lower().split()
                if len(words) < MIN_WORDS:
                    continue
                batch.append([" ".join(t) for t in zip(words, words[1:], words[2:])])
                outlet_of.append(outlet)
                if len(batch) == CHUNK:
                    yield batch
                    batch = []
    if batch:
        yield batch


def count_pairs(base, results, outlet_of, counts):
    """Counts each candidate j < i of sentence i = base + offset."""
    pairs = cross = 0
    for offset, candidates in enumerate(results):
        i = base + offset
        mine = outlet_of[i]
        for j in candidates:
            if j < i:
                pairs += 1
                if outlet_of[j] != mine:
                    cross += 1
    counts["candidate_pairs"] += pairs
    counts["cross_outlet_pairs"] += cross


class Laps:
    """Adds the time since the previous lap to seconds[name]."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.last = time.perf_counter()

    def __call__(self, name):
        now = time.perf_counter()
        self.seconds[name] += now - self.last
        self.last = now


def run_job(path, counts, seconds, num_perm, prepare, sketch, index):
    """The job both peers run, batch by batch: `prepare` the shingle sets
    for the library, `sketch` them into MinHashes, and `index` inserts those
    into the LSH index and returns each one's query result."""
    outlet_of = []
    base = 0
    lap = Laps(seconds)
    for batch in chunks(path, outlet_of, counts):
        prepared = prepare(batch)
        lap("read_split_shingle")
        minhashes = sketch(prepared)
        lap("minhash")
        results = index(minhashes, base)
        lap("lsh")
        count_pairs(base, results, outlet_of, counts)
        del results
        base += len(batch)
        lap("count")
    counts["indexed"] = base
    counts["num_perm"] = num_perm


def run_rensa(path, counts, seconds):
    from rensa import RMinHash, RMinHashLSH

    num_perm = BANDS * ROWS  # 125: rensa needs num_perm % bands == 0
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=num_perm, num_bands=BANDS)

    def index(minhashes, base):
        lsh.insert_many(minhashes, start_key=base)
        return lsh.query_all(minhashes)

    run_job(path, counts, seconds, num_perm,
            prepare=lambda batch: batch,
            sketch=lambda sets: RMinHash.from_token_sets(sets, num_perm=num_perm, seed=SEED),
            index=index)


def run_datasketch(path, counts, seconds):
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, params=(BANDS, ROWS))

    def index(minhashes, base):
        with lsh.insertion_session() as session:
            for offset, m in enumerate(minhashes):
                session.insert(base + offset, m, check_duplication=False)
        return [lsh.query(m) for m in minhashes]

    run_job(path, counts, seconds, NUM_PERM,
            prepare=lambda batch: [[s.encode("utf-8") for s in shingles] for shingles in batch],
            sketch=lambda sets: MinHash.bulk(sets, num_perm=NUM_PERM, seed=SEED),
            index=index)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("rensa", "datasketch"):
        sys.exit("usage: peer_job.py rensa|datasketch DUMP.jsonl[.gz]")
    tool, path = argv[1], argv[2]
    counts = dict(articles=0, sentences=0, indexed=0, candidate_pairs=0, cross_outlet_pairs=0)
    seconds = dict(read_split_shingle=0.0, minhash=0.0, lsh=0.0, count=0.0)
    start = time.perf_counter()
    try:
        if tool == "rensa":
            run_rensa(path, counts, seconds)
        else:
            run_datasketch(path, counts, seconds)
    except ImportError as e:
        sys.exit(f"peer_job: {e}; install the peers with: {sys.executable} -m pip install rensa datasketch")
    seconds["total"] = time.perf_counter() - start
    seconds = {k: round(v, 3) for k, v in seconds.items()}
    print(json.dumps(dict(tool=tool, **counts, seconds=seconds)))


if __name__ == "__main__":
    main(sys.argv)
