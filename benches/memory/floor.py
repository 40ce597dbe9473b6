#!/usr/bin/env python3
"""Memory floor: the least memory a scan of a generated dump completes in.

Usage (from the repository root, after `cargo build --release`; needs root,
for a memory cgroup):

  python3 benches/memory/floor.py                        # 250 MB dump, verbatim tier
  python3 benches/memory/floor.py --mb 25 --tier full
  python3 benches/memory/floor.py --wiretrace /tmp/wiretrace-old   # another build
  python3 benches/memory/floor.py --low 600 --high 600 --timings   # one limit, stage by stage

What is measured. The scan runs in a memory cgroup (cgroup v2's memory.max,
or v1's memory.limit_in_bytes) whose limit is searched by bisection, in
steps of --step MiB: the floor is the smallest limit at which it exits 0
within --max-slowdown times the wall time of a run without a limit. Near
its floor a scan slows down, the kernel dropping pages of the files it
maps and reading them again: a scan 40 times slower has not usefully
completed, so a probe that runs longer is killed and counted as "too
slow". Each probe's wall time shows how much slower it was. The limit
counts everything the process is charged for: its heap, the pages of the
mapped sentence texts it has touched, and the page cache of the dump it
reads and the JSON it writes. The machine has no swap here, so the heap
cannot be paged out, while file pages can be dropped (the sentence texts'
file is written to disk before it is mapped, for that reason).

Every completed probe's JSON output is compared with an uncapped run's,
byte for byte: a limit must not change the result. The uncapped run also
reports the largest anonymous memory (RssAnon) seen, sampled every 0.1 s,
and the largest total of the unnamed temporary files the scan held (mapped
or open), which is the disk it takes in --temp-dir.

The dump is the one `benches/peers/run.py` makes for the same --mb
(generated here if missing).
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent / "peers"))
import run as peers  # noqa: E402  (the dump generator shared with the peer benchmark)

V2_ROOT = Path("/sys/fs/cgroup")
V1_ROOT = Path("/sys/fs/cgroup/memory")
GROUP = "wiretrace-floor"


def fail(message):
    sys.exit(f"floor.py: error: {message}")


def parse_args():
    p = argparse.ArgumentParser(
        description="Find the least memory (a cgroup limit) a wiretrace scan completes in.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    peers.add_dump_arguments(p, mb=250)
    p.add_argument("--tier", choices=("verbatim", "full"), default="verbatim",
                   help="verbatim: scan --no-rewrites (as run.py's wiretrace); full: both lexical tiers")
    p.add_argument("--low", type=int, default=200, help="lowest limit tried, MiB")
    p.add_argument("--high", type=int, default=2048, help="highest limit tried, MiB")
    p.add_argument("--step", type=int, default=50, help="resolution of the search, MiB")
    p.add_argument("--max-slowdown", type=float, default=3.0,
                   help="a probe slower than this many times the uncapped run counts as not completing")
    p.add_argument("--timings", action="store_true",
                   help="print the seconds of each stage of every run (scan --timings), to see where a limit slows it")
    p.add_argument("--wiretrace", default=str(REPO / "target" / "release" / "wiretrace"), help="wiretrace binary")
    return p.parse_args()


class Cgroup:
    """A memory cgroup of our own, v2 where the memory controller is there."""

    def __init__(self):
        controllers = V2_ROOT / "cgroup.controllers"
        if controllers.is_file() and "memory" in controllers.read_text().split():
            self.path, self.limit_file = V2_ROOT / GROUP, "memory.max"
        elif (V1_ROOT / "memory.limit_in_bytes").is_file():
            self.path, self.limit_file = V1_ROOT / GROUP, "memory.limit_in_bytes"
        else:
            fail("no memory cgroup controller found (cgroup v2 memory, or v1 /sys/fs/cgroup/memory)")
        try:
            self.path.mkdir(exist_ok=True)
        except PermissionError:
            fail(f"cannot create {self.path}: run as root")
        if self.limit_file == "memory.max":
            # v2: no swap for the group either, as on this machine.
            swap = self.path / "memory.swap.max"
            if swap.is_file():
                swap.write_text("0\n")

    def limit(self, mib):
        (self.path / self.limit_file).write_text(f"{mib * 1024 * 1024}\n")

    def remove(self):
        try:
            self.path.rmdir()
        except OSError:
            pass

    def enter(self):
        """Moves the calling process in (run in the child before exec)."""
        (self.path / "cgroup.procs").write_text(f"{os.getpid()}\n")


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def anonymous_kib(pid):
    """RssAnon of a running process, KiB: its resident memory that is not a
    file's pages, which without swap it cannot do without. None once it has
    exited."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def temporary_files(pid):
    """Bytes of each unnamed temporary file a running process holds (its
    spills: sentence texts, profiles, records), mapped or open, largest
    first: the disk a scan takes in --temp-dir. None once it has exited."""
    sizes = {}
    try:
        with open(f"/proc/{pid}/maps") as f:
            for line in f:
                fields = line.split()
                if line.rstrip().endswith("(deleted)") and len(fields) >= 5:
                    start, end = (int(x, 16) for x in fields[0].split("-"))
                    sizes[fields[4]] = sizes.get(fields[4], 0) + end - start
        for fd in os.listdir(f"/proc/{pid}/fd"):
            link = f"/proc/{pid}/fd/{fd}"
            if os.readlink(link).endswith("(deleted)"):
                st = os.stat(link)
                sizes[str(st.st_ino)] = max(sizes.get(str(st.st_ino), 0), st.st_size)
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return sorted(sizes.values(), reverse=True)


def scan(args, dump, out, cgroup=None, deadline=None):
    """Runs one scan, killed after `deadline` seconds; returns (how it ended:
    "completed", "killed" by the limit or "too slow", wall seconds, sha256 of
    the JSON, the largest anonymous memory seen in MiB and the second it
    was seen at, sampled every 0.1 s, and with --timings the seconds of
    each stage the scan finished, which say in which stage that second
    fell), and the sizes of the temporary files when they were largest."""
    cmd = [args.wiretrace, "scan", str(dump), "--no-semantic", "--json", str(out), "--quiet"]
    if args.timings:
        cmd.append("--timings")
    if args.tier == "verbatim":
        cmd.insert(3, "--no-rewrites")
    start = time.monotonic()
    # stderr goes to a file, not a pipe that a chatty run could fill while
    # this loop only samples.
    with tempfile.TemporaryFile() as errors, subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=errors, preexec_fn=cgroup.enter if cgroup else None
    ) as child:
        largest, largest_at, too_slow, spilled = 0, 0.0, False, []
        while child.poll() is None:
            sample = anonymous_kib(child.pid) or 0
            if sample > largest:
                largest, largest_at = sample, time.monotonic() - start
            files = temporary_files(child.pid) or []
            if sum(files) > sum(spilled):
                spilled = files
            if deadline is not None and time.monotonic() - start > deadline:
                child.kill()
                child.wait()
                too_slow = True
                break
            time.sleep(0.1)
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    wall = time.monotonic() - start
    anonymous = (largest // 1024, largest_at, spilled)
    stages = stage_seconds(stderr)
    if too_slow:
        return "too slow", wall, None, anonymous, stages
    if child.returncode == 0:
        return "completed", wall, digest(out), anonymous, stages
    if child.returncode == -9:
        return "killed", wall, None, anonymous, stages
    fail(f"`{' '.join(cmd)}` failed (exit {child.returncode}), not by the memory limit:\n{stderr}")


def stage_seconds(stderr):
    """The stages `--timings` reported, as "name seconds" ("" without it)."""
    stages = []
    for line in stderr.splitlines():
        fields = line.split()
        if fields[:2] == ["wiretrace:", "timing:"] and len(fields) >= 4:
            stages.append(f"{fields[2]} {fields[3]}")
    return "  ".join(stages)


def main():
    args = parse_args()
    if not os.access(args.wiretrace, os.X_OK):
        fail(f"{args.wiretrace} not found; build it first: (cd {REPO} && cargo build --release)")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    dump, stats = peers.make_dump(args, workdir)
    out = workdir / "floor-out.jsonl"
    cgroup = Cgroup()

    print(f"dump: {dump.name}, {stats['text_bytes'] / 1e6:.1f} MB of article text; tier: {args.tier}")
    _, wall, expected, anonymous, stages = scan(args, dump, out)
    print(
        f"uncapped: {wall:.2f} s, largest anonymous memory {anonymous[0]} MiB at {anonymous[1]:.1f} s "
        f"(RssAnon, sampled every 0.1 s); temporary files up to {sum(anonymous[2]) >> 20} MiB "
        f"({', '.join(str(size >> 20) for size in anonymous[2])} MiB)"
    )
    if stages:
        print(f"    {stages}")
    deadline = wall * args.max_slowdown
    low, high = args.low // args.step, -(-args.high // args.step)
    # Invariant: `high` completes (checked first), `low - 1` is not known to.
    ok = probe(args, dump, out, cgroup, high * args.step, expected, deadline)
    if not ok:
        fail(f"the scan did not complete within --high {high * args.step} MiB")
    while low < high:
        mid = (low + high) // 2
        ok = probe(args, dump, out, cgroup, mid * args.step, expected, deadline)
        if ok:
            high = mid
        else:
            low = mid + 1
    print(f"floor: {high * args.step} MiB (completes there within {args.max_slowdown:g}× the uncapped time,"
          f" not {args.step} MiB below)"
          if high * args.step > args.low else f"floor: at most {args.low} MiB (--low)")
    out.unlink(missing_ok=True)
    cgroup.remove()


def probe(args, dump, out, cgroup, mib, expected, deadline):
    """Whether the scan completes in `mib` MiB within `deadline` seconds."""
    cgroup.limit(mib)
    ended, wall, got, _, stages = scan(args, dump, out, cgroup, deadline)
    if ended == "completed" and got != expected:
        fail(f"at {mib} MiB the JSON output differs from the uncapped run's")
    print(f"  {mib:>5} MiB: {ended:<9}  {wall:7.2f} s", flush=True)
    if stages:
        print(f"    {stages}", flush=True)
    return ended == "completed"


if __name__ == "__main__":
    main()
