#!/usr/bin/env python3
"""The near-duplicate stage of Wirewatch, done with datasketch (MinHash + MinHashLSH), on the same
corpus, for comparison: `wirewatch-bench dedup --dump corpus.jsonl` writes the corpus.

Per article: the body's words (lowercased), word 4-grams, a 128-permutation MinHash built with
update_batch (datasketch's fastest path), an LSH query for candidates and an insert. The time per
article is the median over runs; reading the corpus is not timed.

    python3 Tests/bench/datasketch_lsh.py corpus.jsonl [runs]
"""
import json
import re
import statistics
import sys
import time

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+", re.UNICODE)


def run(bodies):
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    start = time.perf_counter()
    found = 0
    for index, body in enumerate(bodies):
        words = WORD.findall(body.lower())
        shingles = [" ".join(words[i:i + 4]).encode("utf-8") for i in range(max(1, len(words) - 3))]
        signature = MinHash(num_perm=128)
        signature.update_batch(shingles)
        found += len(lsh.query(signature))
        lsh.insert(str(index), signature)
    return (time.perf_counter() - start) / len(bodies) * 1e6, found


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    bodies = [json.loads(line)["body"] for line in open(path, encoding="utf-8") if line.strip()]
    timings = [run(bodies)[0] for _ in range(runs)]
    print(f"datasketch {__import__('datasketch').__version__}: {len(bodies)} articles, median {statistics.median(timings):.1f} µs/article "
          f"(runs: {', '.join(f'{t:.1f}' for t in timings)})")


if __name__ == "__main__":
    main()
