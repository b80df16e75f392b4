# Every number of the review, computed once into counts.json; all reports read it.


rule counts:
    input:
        review=SEARCHES / "review.yaml",
        log=SEARCHES / "log.yaml",
        imports=rules.records.output.summary,
        groups=rules.duplicates.output.groups,
        dedup=rules.duplicates.output.summary,
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
        data=lambda wildcards, input: str(Path(input.imports).parent),
    shell:
        "{params.searchtrail} counts {params.review:q} --output {output:q}"
        " --data {params.data:q} 2>&1 | tee {log:q}"
