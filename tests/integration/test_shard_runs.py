"""Shards of the shipped suite, run: together they cover it once; under xdist a shard runs only its
part."""

from __future__ import annotations

import itertools


def test_the_shards_of_the_shipped_suite_cover_it_once(pytester):
    """The real suite, collected as 3 shards by the plugin: together exactly the unsharded
    collection, each clause's cases in one shard."""

    def collected(*extra: str) -> list[str]:
        # in this process: collecting only (pytester restores the imported modules after each)
        result = pytester.runpytest_inprocess(
            "--pyargs",
            "webapi_contract.suites.superoffice",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            *extra,
        )
        assert result.ret == 0, result.stdout.str()[-2000:] + result.stderr.str()[-2000:]
        return [line for line in result.stdout.lines if "::" in line]

    whole = collected()
    shards = [collected(f"--webapi-shard={index}/3", "--webapi-run-id=r1") for index in (1, 2, 3)]
    assert all(shards), [len(s) for s in shards]
    assert sorted(itertools.chain.from_iterable(shards)) == sorted(whole)
    for one, other in itertools.combinations(shards, 2):
        assert not set(one) & set(other)
    owner = {nodeid: n for n, shard in enumerate(shards) for nodeid in shard}
    clauses: dict[str, set[int]] = {}
    for nodeid in whole:
        if "test_generated" not in nodeid:
            clauses.setdefault(nodeid.split("[", 1)[0], set()).add(owner[nodeid])
    assert all(len(found) == 1 for found in clauses.values())


def test_a_shard_under_xdist_runs_only_its_part(pytester):
    """Under xdist the workers collect: they must deselect too (a shard of 2 workers runs what
    the shard's collection lists, not the whole selection)."""
    common = ["--pyargs", "webapi_contract.suites.superoffice", "-p", "no:cacheprovider"]
    common += ["-k", "negotiation or read", "--webapi-shard=2/3", "--webapi-run-id=r1"]
    listed = pytester.runpytest_inprocess(*common, "--collect-only", "-q")
    expected = [line for line in listed.stdout.lines if "::" in line]
    assert expected
    ran = pytester.runpytest_subprocess(*common, "-n", "2", "-rA")
    assert ran.ret == 0, ran.stdout.str()[-3000:]
    passed = [line.split()[1] for line in ran.stdout.lines if line.startswith("PASSED ")]
    assert sorted(passed) == sorted(expected)
