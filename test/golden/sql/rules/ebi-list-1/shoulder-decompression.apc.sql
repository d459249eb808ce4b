(((coalesce(list_extract(opertn, 1) IN ('O291'), false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Y767'))) > 0, false)) OR (coalesce(list_extract(opertn, 1) IN ('W572', 'W844'), false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Z812'))) > 0, false))) AND coalesce(len(list_filter(diag, x -> x IN ('M754'))) > 0, false))
    AND NOT coalesce(len(list_filter(diag, x -> x IN ('M751'))) > 0, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
