# Screening: where every publication stands after people's decisions (flow.csv), and the
# unique records labelled with those decisions for ASReview (asreview.csv).


rule screening:
    input:
        search_log(),
        screening_files(),
        groups=rules.dedup.output.groups,
        summary=rules.dedup.output.summary,
        unique=rules.dedup.output.unique,
    output:
        **stage_outputs("screening"),
    log:
        log_of("screening"),
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} stage screening {params.review:q} 2>&1 | tee {log:q}"
