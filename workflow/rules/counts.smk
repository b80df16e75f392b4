# Counts: every number of the review, computed once into counts.json and checked; every
# report reads it.


rule counts:
    input:
        search_log(),
        imports=rules.records.output.imports,
        groups=rules.dedup.output.groups,
        summary=rules.dedup.output.summary,
        flow=rules.screening.output.flow,
    output:
        **stage_outputs("counts"),
    log:
        log_of("counts"),
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} stage counts {params.review:q} 2>&1 | tee {log:q}"
