# Records: every export read once into a table, then deduplicated with people's verdicts.


rule records:
    input:
        review=SEARCHES / "review.yaml",
        log=SEARCHES / "log.yaml",
        files=record_files(),
    output:
        records=DATA / "records.parquet",
        summary=DATA / "import.json",
    log:
        LOGS / "records.log",
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} records {params.review:q} --out {output.records:q}"
        " --summary {output.summary:q} 2>&1 | tee {log:q}"


rule duplicates:
    input:
        records=rules.records.output.records,
        verdicts=verdicts_file(),
    output:
        groups=DATA / "groups.parquet",
        pairs=DATA / "pairs.parquet",
        unique=DATA / "unique.parquet",
        summary=DATA / "dedup.json",
        groups_csv=REPORTS / "dedup" / "groups.csv",
        unique_csv=REPORTS / "dedup" / "unique.csv",
        unique_ris=REPORTS / "dedup" / "unique.ris",
        pairs_csv=report(
            REPORTS / "dedup" / "pairs.csv",
            caption="../report/pairs.rst",
            category="Deduplication",
        ),
    log:
        LOGS / "duplicates.log",
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
        data=lambda wildcards, output: str(Path(output.groups).parent),
        reports=lambda wildcards, output: str(Path(output.pairs_csv).parent),
    shell:
        "{params.searchtrail} duplicates {params.review:q} --records {input.records:q}"
        " --data {params.data:q} --reports {params.reports:q} 2>&1 | tee {log:q}"
