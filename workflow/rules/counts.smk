# Every number of the review, computed once into counts.json; all reports read it.


rule counts:
    input:
        review=SEARCHES / "review.yaml",
        log=SEARCHES / "log.yaml",
        imports=rules.records.output.summary,
        groups=rules.duplicates.output.groups,
        dedup=rules.duplicates.output.summary,
        decisions=screening_files(),
    output:
        counts=DATA / "counts.json",
        flow=REPORTS / "flow.csv",
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
        "{params.searchtrail} counts {params.review:q} --output {output.counts:q}"
        " --data {params.data:q} --flow {output.flow:q} 2>&1 | tee {log:q}"
