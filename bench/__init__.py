"""The benchmark behind `make bench`; `bench/run.py` is its entry point (see bench/README.md).

One module per concern, so that each can change alone:

- settings: the project's paths, the sample bureau and year, the figures in table order
- measure: one command in a fresh process, its wall time and its process tree's peak memory
- probes: the pieces of work measured in a process of their own (`run.py --probe NAME`)
- reference: a handful of the report's counts straight from the CSVs
- machine: what the figures were measured on (machine, packages, commit, others' CPU use)
- runner: one benchmark run, scale by scale: ledgers, shared set-up, the scenarios
- scenarios: what is measured at each scale, one module per scenario, registered in order
- judge: figures derived from the measurements, the extrapolation and the targets
- results: results.json as it fills in
- tables: the plain-text table and the README's Markdown table

A new scenario is a module under scenarios/ with a `run(bench, at)` function, a line in
`scenarios.SCENARIOS` and its figures described in `settings.FIGURES`.
"""
