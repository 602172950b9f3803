"""Building: one report atomically (validate → metrics → execute → render → publish), several
years and kinds in a batch, a run's scratch folder and kernel, and the record of its inputs."""
