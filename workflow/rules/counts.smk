# Every number of the review, computed once into counts.json; all reports read it.


rule counts:
    input:
        review=SEARCHES / "review.yaml",
        log=SEARCHES / "log.yaml",
        records=record_files(),
    output:
        DATA / "counts.json",
    log:
        LOGS / "counts.log",
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} counts {params.review:q} --output {output:q} 2>&1 | tee {log:q}"
