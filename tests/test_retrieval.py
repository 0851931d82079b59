from __future__ import annotations

from quelle.core.retrieval import _keep_champions, reciprocal_rank_fusion


def test_fusion_rewards_agreement():
    scores = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]])
    assert max(scores, key=scores.__getitem__) == "b"
    assert scores["a"] > scores["c"]


def test_each_rankers_first_choice_survives_the_cut():
    assert _keep_champions(["x", "y", "z"], [["solo"], ["x"]]) == ["x", "y", "solo"]
    assert _keep_champions(["x", "y"], [["x"], ["y"]]) == ["x", "y"]
