# Deduplication: duplicate groups, with people's verdicts; new questions for people.


rule dedup:
    input:
        search_log(),
        records=rules.records.output.records,
    output:
        **captioned(stage_outputs("dedup")),
    log:
        log_of("dedup"),
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
        verdicts=verdicts_digest(),
    shell:
        "{params.searchtrail} stage dedup {params.review:q} 2>&1 | tee {log:q}"
