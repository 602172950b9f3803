"""The runs stage: one report built atomically (validate → metrics → execute → render → publish),
several years and kinds in a batch, a run's scratch folder and kernel, and the record of its
inputs. Named `runs` rather than `build`, the usual name of generated output."""
