"""Realistic, deterministic, valid sample data (样例数据) for demos, tests and benchmarks.

>>> from shequkit.sample import SampleSpec, generate_sample
>>> dataset = generate_sample(SampleSpec(communities=3, seed=1, province="42"))
>>> dataset.communities[0].id
'c000001'
"""

from shequkit.sample._generator import SampleSpec, generate_sample, iter_sample, sample_metadata

__all__ = ["SampleSpec", "generate_sample", "iter_sample", "sample_metadata"]
