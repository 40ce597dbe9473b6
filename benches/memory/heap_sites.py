#!/usr/bin/env python3
"""Heap sites: what a scan's heap holds at its largest, by the line of
wiretrace's code that allocated it.

Usage (from the repository root; needs valgrind):

  python3 benches/memory/heap_sites.py                  # 25 MB dump, both lexical tiers
  python3 benches/memory/heap_sites.py --articles 164608 --top 40   # run.py --scale 8's 203 MB dump
  python3 benches/memory/heap_sites.py --snapshot 29    # another of massif's detailed snapshots
  python3 benches/memory/heap_sites.py --massif-out target/heap-profile/massif.out   # read a run again

What is measured. valgrind's massif records the heap of a scan (`scan DUMP
--no-semantic --json OUT`) at intervals, and in detail at its peak and at a
few other moments. Each allocation is charged to the first frame of its
stack that is in wiretrace's own source (`src/`), so that a `Vec` grown in
`Pieces::push` counts at that line, and what only the standard library or a
crate allocated is listed apart. Massif sees only the system allocator, so
the script builds wiretrace without jemalloc (`cargo build --release
--no-default-features`, with line tables) into `target/heap-profile`; the
heap it reports is therefore what the scan asked for, not what jemalloc
kept resident (`scan --timings` and `floor.py` measure that). Massif runs
the scan on one thread at a time, about 10 times slower than the release
build: a minute or two at 25 MB, about 10 minutes at 200 MB.

The dump is the one `benches/peers/run.py` makes for the same --mb
(generated here if missing).
"""
import argparse
import collections
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent / "peers"))
import run as peers  # noqa: E402  (the dump generator shared with the peer benchmark)

BUILD_DIR = REPO / "target" / "heap-profile"

# A node of massif's heap tree: indentation, child count, bytes, frame.
NODE = re.compile(r"^( *)n(\d+): (\d+) (.*)$")
# A frame's source file and line, as massif prints it: "(scan.rs:399)".
SOURCE = re.compile(r"\(([A-Za-z0-9_]+\.rs):(\d+)\)")
# A frame's function: what comes between the address and the source.
FUNCTION = re.compile(r"^0x[0-9A-Fa-f]+: (.*?) \(")
# File names of ours that the standard library has too.
SHARED_NAMES = {"mod.rs", "lib.rs"}


def fail(message):
    sys.exit(f"heap_sites.py: error: {message}")


def parse_args():
    p = argparse.ArgumentParser(
        description="Where a wiretrace scan's heap is at its largest, by allocating line (valgrind massif).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    peers.add_dump_arguments(p, mb=25)
    p.add_argument("--tier", choices=("verbatim", "full"), default="full",
                   help="verbatim: scan --no-rewrites; full: both lexical tiers")
    p.add_argument("--top", type=int, default=25, help="sites listed")
    p.add_argument("--snapshot", type=int, help="a detailed snapshot's number instead of the peak")
    p.add_argument("--massif-out", help="read this massif output instead of running a scan")
    return p.parse_args()


def build():
    """The release build without jemalloc, with line tables; returns the binary."""
    env = dict(os.environ, CARGO_PROFILE_RELEASE_DEBUG="line-tables-only")
    cmd = ["cargo", "build", "--release", "--no-default-features", "--target-dir", str(BUILD_DIR)]
    print(f"building: {' '.join(cmd)}", file=sys.stderr)
    if subprocess.run(cmd, cwd=REPO, env=env).returncode != 0:
        fail("the build failed")
    return BUILD_DIR / "release" / "wiretrace"


def run_massif(args, binary, massif_out):
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    args.wiretrace = str(binary)
    dump, stats = peers.make_dump(args, workdir)
    print(f"dump: {dump.name}, {stats['text_bytes'] / 1e6:.1f} MB of article text; tier: {args.tier}",
          file=sys.stderr)
    scan = [str(binary), "scan", str(dump), "--no-semantic", "--quiet",
            "--json", str(BUILD_DIR / "scan-out.jsonl")]
    if args.tier == "verbatim":
        scan.append("--no-rewrites")
    cmd = ["valgrind", "--tool=massif", f"--massif-out-file={massif_out}", "--depth=40",
           "--threshold=0.2"] + scan
    print(f"running: {' '.join(cmd)}", file=sys.stderr)
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        fail(f"the scan under massif failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return stats


def snapshots(lines):
    """(number, heap bytes, kind, index of its tree's first line) of each snapshot."""
    found = []
    for i, line in enumerate(lines):
        if line.startswith("snapshot="):
            fields = dict(l.split("=", 1) for l in lines[i + 2:i + 7])
            found.append((int(line.split("=")[1]), int(fields["mem_heap_B"]), fields["heap_tree"], i + 7))
    return found


def sites(lines, start, own_files):
    """Bytes by the first frame of each allocation's stack in `own_files`."""
    by_site = collections.Counter()

    def walk(i, charged):
        m = NODE.match(lines[i])
        children, size, frame = int(m.group(2)), int(m.group(3)), m.group(4)
        source = SOURCE.search(frame)
        function = FUNCTION.match(frame)
        name = function.group(1) if function else "?"
        # Inlined frames name their file without its directory, so the
        # standard library's `raw_vec/mod.rs` looks like one of ours.
        ours = source and source.group(1) in own_files and (
            source.group(1) not in SHARED_NAMES or "wiretrace" in name)
        if not charged and ours:
            # Closures' generic parameters make names hundreds of characters long.
            by_site[f"{source.group(1)}:{source.group(2)}  {name[:90]}"] += size
            charged = True
        j = i + 1
        for _ in range(children):
            j = walk(j, charged)
        if children == 0 and not charged and m.group(1):
            by_site["(not in wiretrace's code) " + frame[:90]] += size
        return j

    sys.setrecursionlimit(10_000)
    walk(start, False)
    return by_site


def main():
    args = parse_args()
    if args.massif_out:
        massif_out, stats = Path(args.massif_out), None
    else:
        BUILD_DIR.mkdir(parents=True, exist_ok=True)
        massif_out = BUILD_DIR / "massif.out"
        stats = run_massif(args, build(), massif_out)
    lines = massif_out.read_text().split("\n")
    own_files = {p.name for p in (REPO / "src").rglob("*.rs")}
    taken = snapshots(lines)
    if args.snapshot is not None:
        chosen = [s for s in taken if s[0] == args.snapshot and s[2] != "empty"]
        if not chosen:
            detailed = [s[0] for s in taken if s[2] != "empty"]
            fail(f"snapshot {args.snapshot} is not a detailed one; these are: {detailed}")
    else:
        chosen = [s for s in taken if s[2] == "peak"]
    number, heap, _, start = chosen[0]
    by_site = sites(lines, start, own_files)
    per_byte = f", {heap / stats['text_bytes']:.2f} bytes per byte of article text" if stats else ""
    print(f"snapshot {number} of {len(taken)}: heap {heap / 2**20:,.1f} MiB{per_byte} ({massif_out})")
    print()
    print("| MiB | site |")
    print("| ---: | --- |")
    for site, size in by_site.most_common(args.top):
        print(f"| {size / 2**20:,.1f} | {site} |")
    rest = sum(by_site.values()) - sum(s for _, s in by_site.most_common(args.top))
    print(f"| {rest / 2**20:,.1f} | (the other {max(0, len(by_site) - args.top)} sites) |")


if __name__ == "__main__":
    main()
