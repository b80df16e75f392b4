# Records: every export and record file read once into one table.


rule records:
    input:
        search_log(),
        record_files(),
    output:
        **stage_outputs("records"),
    log:
        log_of("records"),
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} stage records {params.review:q} 2>&1 | tee {log:q}"
