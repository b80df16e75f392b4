# Reports: the tables, diagrams and pages, rendered from counts.json.


rule reports:
    input:
        search_log(),
        counts=rules.counts.output.counts,
        members=rules.counts.output.members,
        records=rules.records.output.records,
        groups=rules.dedup.output.groups,
        pairs=rules.dedup.output.pairs,
        unique=rules.dedup.output.unique,
        summary=rules.dedup.output.summary,
        flow=rules.screening.output.flow,
    output:
        **captioned(stage_outputs("reports")),
    log:
        log_of("reports"),
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} stage reports {params.review:q} 2>&1 | tee {log:q}"


rule earlier_round:
    input:
        search_log(),
        counts=rules.counts.output.counts,
    output:
        **{key: at(name) for key, name in round_outputs("{round}").items()},
    log:
        at("reports/logs/reports_round_{round}.log"),
    wildcard_constraints:
        round=r"\d+",
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} stage reports {params.review:q} --round {wildcards.round}"
        " 2>&1 | tee {log:q}"
