# Reports: the search table, the per-source table and the PRISMA 2020 diagram.


rule search_table:
    input:
        counts=rules.counts.output.counts,
        review=SEARCHES / "review.yaml",
        log=SEARCHES / "log.yaml",
    output:
        csv=report(
            REPORTS / "searches.csv",
            caption="../report/searches.rst",
            category="Searches",
        ),
        md=REPORTS / "searches.md",
    log:
        LOGS / "search_table.log",
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} report searches {params.review:q} --counts {input.counts:q}"
        " --csv {output.csv:q} --md {output.md:q} 2>&1 | tee {log:q}"


rule source_table:
    input:
        counts=rules.counts.output.counts,
        review=SEARCHES / "review.yaml",
        log=SEARCHES / "log.yaml",
    output:
        csv=report(
            REPORTS / "sources.csv",
            caption="../report/sources.rst",
            category="Sources",
        ),
        md=REPORTS / "sources.md",
    log:
        LOGS / "source_table.log",
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} report sources {params.review:q} --counts {input.counts:q}"
        " --csv {output.csv:q} --md {output.md:q} 2>&1 | tee {log:q}"


rule prisma_diagram:
    input:
        counts=rules.counts.output.counts,
        review=SEARCHES / "review.yaml",
        log=SEARCHES / "log.yaml",
    output:
        svg=report(
            REPORTS / "prisma.svg",
            caption="../report/prisma.rst",
            category="PRISMA 2020",
        ),
        html=REPORTS / "prisma.html",
        csv=REPORTS / "PRISMA.csv",
    log:
        LOGS / "prisma_diagram.log",
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} report prisma {params.review:q} --counts {input.counts:q}"
        " --svg {output.svg:q} --html {output.html:q} --csv {output.csv:q} 2>&1 | tee {log:q}"


rule duplicates_report:
    input:
        counts=rules.counts.output.counts,
        review=SEARCHES / "review.yaml",
        log=SEARCHES / "log.yaml",
    output:
        md=REPORTS / "duplicates.md",
        overlap_csv=REPORTS / "overlap.csv",
        overlap_md=REPORTS / "overlap.md",
        upset=report(
            REPORTS / "overlap.svg",
            caption="../report/overlap.rst",
            category="Deduplication",
        ),
    log:
        LOGS / "duplicates_report.log",
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} report duplicates {params.review:q} --counts {input.counts:q}"
        " --md {output.md:q} --overlap-csv {output.overlap_csv:q}"
        " --overlap-md {output.overlap_md:q} --upset {output.upset:q} 2>&1 | tee {log:q}"


rule stage_table:
    input:
        counts=rules.counts.output.counts,
        review=SEARCHES / "review.yaml",
        log=SEARCHES / "log.yaml",
    output:
        csv=REPORTS / "stages.csv",
        searches_csv=REPORTS / "stages_by_search.csv",
        md=REPORTS / "stages.md",
        svg=report(
            REPORTS / "stages.svg",
            caption="../report/stages.rst",
            category="Screening",
        ),
        rounds_csv=REPORTS / "rounds.csv",
        rounds_md=REPORTS / "rounds.md",
    log:
        LOGS / "stage_table.log",
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} report stages {params.review:q} --counts {input.counts:q}"
        " --csv {output.csv:q} --searches-csv {output.searches_csv:q} --md {output.md:q}"
        " --svg {output.svg:q} --rounds-csv {output.rounds_csv:q}"
        " --rounds-md {output.rounds_md:q} 2>&1 | tee {log:q}"


rule prisma_earlier_round:
    input:
        counts=rules.counts.output.counts,
        review=SEARCHES / "review.yaml",
        log=SEARCHES / "log.yaml",
    output:
        svg=REPORTS / "round-{round}" / "prisma.svg",
        html=REPORTS / "round-{round}" / "prisma.html",
        csv=REPORTS / "round-{round}" / "PRISMA.csv",
    log:
        LOGS / "prisma_round_{round}.log",
    wildcard_constraints:
        round=r"\d+",
    conda:
        SEARCHTRAIL_ENV
    params:
        review=str(REVIEW),
        version=SEARCHTRAIL_VERSION,
        searchtrail=SEARCHTRAIL,
    shell:
        "{params.searchtrail} report prisma {params.review:q} --counts {input.counts:q}"
        " --round {wildcards.round} --svg {output.svg:q} --html {output.html:q}"
        " --csv {output.csv:q} 2>&1 | tee {log:q}"
