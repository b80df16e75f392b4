# searchtrail: from a review's search log, exports and decisions to PRISMA 2020 reports.
#
#   snakemake -c1                          # the review in this directory (the seed review)
#   snakemake -c1 --directory path/to/rev  # another review directory
#
# All logic lives in the searchtrail package; the rules call its command line, one stage
# each: records, dedup, screening, counts, reports.

from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")


configfile: Path(workflow.basedir) / "config" / "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/records.smk"
include: "workflow/rules/dedup.smk"
include: "workflow/rules/screening.smk"
include: "workflow/rules/counts.smk"
include: "workflow/rules/reports.smk"


rule all:
    default_target: True
    input:
        all_reports(),
