#!/usr/bin/env python3
"""Peer comparison: wiretrace's verbatim tier against rensa and datasketch.

Usage (from the repository root, after `cargo build --release` and
`python3 -m pip install rensa datasketch`):

  python3 benches/peers/run.py                          # 25 MB dump, 3 runs each
  python3 benches/peers/run.py --mb 100 --skip datasketch
  python3 benches/peers/run.py --mb 250 --skip datasketch --runs 1 --threads 2
  python3 benches/peers/run.py --skip rensa --skip datasketch --scale 8   # 25 MB vs 200 MB

What is measured. One job, run by three tools on the same generated dump:
sentences -> word 3-shingles -> 128-permutation MinHash -> LSH at threshold
0.5 (25 bands of 5 rows, the banding wiretrace and datasketch both derive
for 0.5 / 128) -> candidate pairs. Each tool runs end to end as a separate
process (reading the dump included) and is timed by wall clock; peak RSS
comes from `/usr/bin/time -v`, or, without it, from
`getrusage(RUSAGE_CHILDREN)` in a fresh Python child per run. Throughput is
megabytes (10^6 bytes) of article text -- the sum of len(text.encode()) over
the dump's articles, the same figure for every tool -- per second of the
median run. The ratio column is wiretrace's speed over the peer's.

Why the jobs are comparable, and where they are not:
- wiretrace runs `scan --no-rewrites`: only the verbatim tier (word
  3-shingles, MinHash, LSH), no rewrite tier. It then still does work the
  peers do not: cleaning and boilerplate detection, a news sentence
  segmenter (abbreviations, datelines, quotations), NFKC normalization and
  figure masking, per-sentence profiles for the verifier, verifying every
  cross-outlet candidate pair, clustering into families, provenance, and
  writing JSON Lines for every sentence. All of that is in its time.
- The peers (benches/peers/peer_job.py) split sentences with one simple
  regex, normalize with lower() and split(), skip sentences under 5 words
  (wiretrace's --min-words default), sketch with their batch APIs, insert
  into their LSH index, query every sentence and count candidate pairs.
  They neither verify nor cluster: their job is a strict subset.
- rensa's LSH needs num_perm divisible by the band count, so it sketches
  125 permutations (the 25 x 5 values the LSH reads) instead of 128.
- wiretrace leaves boilerplate and in-article repeats out of LSH, caps a
  huge bucket's pairs (chain + star), and fingerprints and pairs each
  wording (sentences with the same words, figures and names) once, so its
  count is of pairs of wordings; the peers index every sentence of 5+
  words, so a line like "Subscribe to the outlet-05 newsletter" makes a
  bucket whose pairs grow with the square of the dump. The table shows
  each tool's candidate pair counts so this is visible.

Runs are interleaved (wiretrace, rensa, datasketch, wiretrace, ...) so that
load from other users of a shared machine spreads over all tools.
"""
import argparse
import importlib.metadata
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PEERS = ("rensa", "datasketch")
# wiretrace-full: the whole scan (both lexical tiers), for the issue's
# full-scan throughput target; it is not part of the peer comparison.
WIRETRACE = ("wiretrace", "wiretrace-full")
TOOLS = WIRETRACE + PEERS
DEFAULT_WIRE_CORPUS = REPO.parent / "shared" / "data" / "reuters21578.jsonl.gz"

# Bytes of article text per article `wiretrace synth` writes, measured
# (20,000 articles, 20 outlets: 24.3 MB with the Reuters corpus; 4,000
# articles with the built-in stories: 3.85 MB). Used to turn --mb into
# --articles; the table reports the size actually generated.
TEXT_BYTES_PER_ARTICLE = {"reuters": 1215, "builtin": 962}
# Raised whenever `wiretrace synth` writes other bytes for the same options,
# so that a dump made by an earlier synth is made again, not timed as if it
# were this one. 2: stories past the supply's end are substituted (0205988),
# no longer repeated.
SYNTH_REVISION = 2

# Used when /usr/bin/time is missing: a fresh interpreter runs the command,
# so RUSAGE_CHILDREN holds that one command's peak RSS (KiB on Linux).
RUSAGE_CHILD = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:], stdout=sys.stdout, stderr=sys.stderr)
with open(sys.argv[1], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def fail(message):
    sys.exit(f"run.py: error: {message}")


def add_dump_arguments(p, mb):
    """The options that choose the generated dump (`make_dump`), shared with
    the benchmarks in `benches/memory/`; `mb` is the default size."""
    p.add_argument("--mb", type=float, default=mb, help="article text to generate, in MB (10^6 bytes)")
    p.add_argument("--articles", type=int,
                   help="generate exactly this many articles (overrides --mb; --scale 8's larger dump: 164608)")
    p.add_argument("--outlets", type=int, default=20, help="outlets republishing the wire stories")
    p.add_argument("--seed", type=int, default=1, help="synth seed")
    p.add_argument(
        "--wire-corpus",
        default=str(DEFAULT_WIRE_CORPUS),
        help="JSONL wire corpus for synth; 'builtin' (or a missing file) uses synth's built-in stories",
    )
    p.add_argument("--workdir", default=str(REPO / "target" / "peers"),
                   help="the dump is made and kept here (and run.py's outputs and logs)")


def parse_args():
    p = argparse.ArgumentParser(
        description="Time wiretrace's verbatim tier against rensa and datasketch on one generated dump.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add_dump_arguments(p, mb=25)
    p.add_argument("--runs", type=int, default=3, help="timed runs per tool (the median is reported)")
    p.add_argument("--skip", action="append", default=[], choices=TOOLS, help="leave a tool out (repeatable)")
    p.add_argument("--threads", type=int, help="passed to wiretrace --threads (and RAYON_NUM_THREADS for rensa)")
    p.add_argument("--wiretrace", default=str(REPO / "target" / "release" / "wiretrace"), help="wiretrace binary")
    p.add_argument(
        "--scale",
        type=int,
        help="also time wiretrace on a dump this many times larger and print how its time grows "
        "(the issue's target: 8x the data in at most 9x the time)",
    )
    return p.parse_args()


def check_tools(args, tools):
    # Needed even with --skip wiretrace: `wiretrace synth` makes the dump.
    if not os.access(args.wiretrace, os.X_OK):
        fail(f"{args.wiretrace} not found; build it first: (cd {REPO} && cargo build --release)")
    missing = [t for t in tools if t in PEERS and importlib.util.find_spec(t) is None]
    if missing:
        fail(
            f"missing Python package(s): {', '.join(missing)}; install with: "
            f"{sys.executable} -m pip install {' '.join(missing)}   (or pass --skip {missing[0]})"
        )


def versions(args, tools):
    out = {}
    version = subprocess.run(
        [args.wiretrace, "--version"], capture_output=True, text=True
    ).stdout.strip().removeprefix("wiretrace ")
    for t in tools:
        if t in WIRETRACE:
            out[t] = version
    for t in tools:
        if t in PEERS:
            out[t] = importlib.metadata.version(t)
    return out


def make_dump(args, workdir, times=1):
    """Generates the dump (`times` the requested size) with `wiretrace synth`
    unless it is already there.

    Returns (path, stats) with stats = {articles, text_bytes, file_bytes}.
    """
    corpus = Path(args.wire_corpus)
    if args.wire_corpus != "builtin" and corpus.is_file():
        source = "reuters" if "reuters" in corpus.name else corpus.name.split(".")[0]
    else:
        if args.wire_corpus != "builtin":
            print(f"note: {corpus} not found; using synth's built-in stories", file=sys.stderr)
        corpus, source = None, "builtin"
    per_article = TEXT_BYTES_PER_ARTICLE.get(source, TEXT_BYTES_PER_ARTICLE["reuters"])
    articles = times * (args.articles or max(1, round(args.mb * 1e6 / per_article)))
    path = workdir / f"dump-{source}-{articles}a-{args.outlets}o-s{args.seed}.jsonl"
    meta = path.with_suffix(".meta.json")
    if path.is_file() and meta.is_file():
        stats = json.loads(meta.read_text())
        if stats.get("synth_revision") == SYNTH_REVISION:
            print(f"reusing {path}", file=sys.stderr)
            return path, stats
        print(f"{path} was made by an earlier synth", file=sys.stderr)

    print(f"generating {path} ({articles} articles, {args.outlets} outlets) ...", file=sys.stderr)
    partial = path.with_suffix(".partial")
    cmd = [args.wiretrace, "synth", "--articles", str(articles), "--outlets", str(args.outlets),
           "--seed", str(args.seed), "--truth", str(path.with_suffix(".truth.jsonl")), "--out", str(partial)]
    if corpus:
        cmd += ["--wire-corpus", str(corpus)]
    done = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        fail(f"`{' '.join(cmd)}` failed (exit {done.returncode}):\n{done.stderr}")
    text_bytes = count = 0
    with open(partial, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                text_bytes += len(json.loads(line)["text"].encode("utf-8"))
                count += 1
    stats = {
        "articles": count,
        "text_bytes": text_bytes,
        "file_bytes": partial.stat().st_size,
        "source": source,
        "synth_revision": SYNTH_REVISION,
    }
    os.replace(partial, path)
    meta.write_text(json.dumps(stats) + "\n")
    return path, stats


def command(tool, args, dump, out):
    if tool == "wiretrace":
        cmd = [args.wiretrace, "scan", str(dump), "--no-rewrites", "--shingle-size", "3", "--num-perm", "128",
               "--threshold", "0.5", "--json", str(out), "--quiet"]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        return cmd
    if tool == "wiretrace-full":
        # The semantic tier is left out so the figure does not depend on
        # whether a model is installed (at these sizes it would skip
        # itself: too many distinct sentences).
        cmd = [args.wiretrace, "scan", str(dump), "--no-semantic", "--json", str(out), "--quiet"]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        return cmd
    return [sys.executable, str(HERE / "peer_job.py"), tool, str(dump)]


def measure(cmd, log, env):
    """Runs `cmd` once: (wall seconds, peak RSS in KiB). Output goes to `log`."""
    rss_file = log.with_suffix(".rss")
    if os.access("/usr/bin/time", os.X_OK):
        wrapped = ["/usr/bin/time", "-v", "-o", str(rss_file)] + cmd
    else:
        wrapped = [sys.executable, "-c", RUSAGE_CHILD, str(rss_file)] + cmd
    with open(log, "w") as f:
        start = time.perf_counter()
        code = subprocess.call(wrapped, stdout=f, stderr=subprocess.STDOUT, env=env)
        wall = time.perf_counter() - start
    text = rss_file.read_text() if rss_file.exists() else ""
    if code != 0:
        tail = "".join(open(log).readlines()[-15:])
        fail(f"`{' '.join(cmd)}` exited with {code}; last lines of {log}:\n{tail}")
    if "Maximum resident set size" in text:
        rss = int(text.split("Maximum resident set size (kbytes):")[1].split()[0])
    else:
        rss = int(text.strip())
    return wall, rss


def wiretrace_counts(out):
    """Sentence and candidate-pair counts from the summary (last) line of the JSON output."""
    with open(out, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 65536))
        summary = json.loads(f.read().splitlines()[-1])
    return {
        "sentences": summary["sentences"],
        "cross_outlet_pairs": summary["stats"]["candidate_pairs"],
    }


def peer_counts(log):
    for line in reversed(open(log).read().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def time_tools(args, tools, dump, workdir, env, tag=""):
    """Runs every tool `args.runs` times on `dump`, interleaved.

    Returns (walls, rsss, counts): per tool, the wall seconds and peak RSS
    (KiB) of each run, and the counts its last run reported. `tag` names the
    dump in logs and messages.
    """
    walls = {t: [] for t in tools}
    rsss = {t: [] for t in tools}
    counts = {}
    for run in range(1, args.runs + 1):
        for tool in tools:
            out = workdir / "wiretrace-out.jsonl"
            log = workdir / "logs" / f"{tool}{'-' + tag if tag else ''}-{run}.log"
            where = f" on the {tag} dump" if tag else ""
            print(f"run {run}/{args.runs}: {tool}{where} ...", end=" ", flush=True, file=sys.stderr)
            wall, rss = measure(command(tool, args, dump, out), log, env)
            print(f"{wall:.2f} s, {rss / 1024:.0f} MiB", file=sys.stderr)
            walls[tool].append(wall)
            rsss[tool].append(rss)
            if tool in WIRETRACE:
                counts[tool] = wiretrace_counts(out)
                # Deleting a gigabyte of output is not the job: left in
                # place, the next run's rename would delete it in its time.
                out.unlink()
            else:
                counts[tool] = peer_counts(log)
    return walls, rsss, counts


def main():
    args = parse_args()
    tools = [t for t in TOOLS if t not in args.skip]
    if not tools:
        fail("every tool is skipped")
    if args.runs < 1:
        fail("--runs must be at least 1")
    check_tools(args, tools)
    workdir = Path(args.workdir).resolve()
    (workdir / "logs").mkdir(parents=True, exist_ok=True)
    dump, stats = make_dump(args, workdir)
    mb = stats["text_bytes"] / 1e6

    env = dict(os.environ)
    if args.threads:
        env["RAYON_NUM_THREADS"] = str(args.threads)

    load_start = os.getloadavg()[0]
    walls, rsss, counts = time_tools(args, tools, dump, workdir, env)
    scaled = [t for t in tools if t in WIRETRACE] if args.scale else []
    if scaled:
        big, big_stats = make_dump(args, workdir, args.scale)
        big_walls, big_rsss, _ = time_tools(args, scaled, big, workdir, env, f"{args.scale}x")

    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    vers = versions(args, tools)
    load_end = os.getloadavg()[0]
    print(f"dump: {dump.name} -- {stats['articles']} articles, {args.outlets} outlets, "
          f"{mb:.1f} MB of article text ({stats['file_bytes'] / 1e6:.1f} MB file)")
    print(f"machine: {cores} cores ({usable} usable), Python {sys.version.split()[0]}; "
          + ", ".join(f"{t} {v}" for t, v in vers.items()))
    print(f"runs: {args.runs} per tool, median wall time; threads: {args.threads or 'default (all cores)'}; "
          f"1-minute load average {load_start:.2f} before, {load_end:.2f} after (other work on the machine skews times)")
    print()
    print("| tool | median wall (s) | best (s) | MB/s | peak RSS (MiB) | wiretrace speed ÷ tool's | sentences | candidate pairs (cross-outlet) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    base = statistics.median(walls["wiretrace"]) if "wiretrace" in tools else None
    for tool in tools:
        wall = statistics.median(walls[tool])
        c = counts[tool]
        pairs = f"{c['cross_outlet_pairs']:,}"
        if "candidate_pairs" in c:
            pairs = f"{c['candidate_pairs']:,} ({pairs})"
        else:
            pairs = f"({pairs})"
        ratio = f"{wall / base:.2f}×" if base else "—"
        name = f"{tool} {vers[tool]}"
        print(f"| {name} | {wall:.2f} | {min(walls[tool]):.2f} | {mb / wall:.2f} | {max(rsss[tool]) / 1024:,.0f} | {ratio} "
              f"| {c.get('sentences', 0):,} | {pairs} |")
    peers = [t for t in tools if t in PEERS and counts[t].get("seconds")]
    if peers:
        print()
        print("Where the peers' time goes (seconds inside the worker, last run; the rest of the wall "
              "time is interpreter start-up and imports):")
        print()
        print("| tool | read + split + shingle | MinHash | LSH insert + query | count pairs | total |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for tool in peers:
            s = counts[tool]["seconds"]
            print(f"| {tool} | {s['read_split_shingle']:.2f} | {s['minhash']:.2f} | {s['lsh']:.2f} "
                  f"| {s['count']:.2f} | {s['total']:.2f} |")
    if scaled:
        big_mb = big_stats["text_bytes"] / 1e6
        print()
        print(f"Scaling: {big.name} -- {big_stats['articles']} articles, {big_mb:.1f} MB of article text "
              f"({big_mb / mb:.2f}x the data):")
        print()
        print("| tool | median wall (s), base | median wall (s), larger | time ratio | data ratio | MB/s, larger | peak RSS (MiB), larger |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for tool in scaled:
            small, large = statistics.median(walls[tool]), statistics.median(big_walls[tool])
            print(f"| {tool} | {small:.2f} | {large:.2f} | {large / small:.2f}× | {big_mb / mb:.2f}× "
                  f"| {big_mb / large:.2f} | {max(big_rsss[tool]) / 1024:,.0f} |")
    print()
    print("MB/s and the ratio use the median. Peak RSS is the largest of the runs. Peers' sentences are regex splits; wiretrace's are its "
          "segmenter's. Candidate pairs: all distinct pairs the LSH returned, and (in brackets) those "
          "from different outlets; wiretrace reports only the latter, as pairs of wordings (sentences with "
          "the same words, figures and names taken as one), after leaving boilerplate out "
          f"and capping huge buckets. Logs of every run: {workdir / 'logs'}.")


if __name__ == "__main__":
    main()
