(coalesce(left(list_extract(opertn, 1), 3) IN ('T20'), false) AND coalesce(list_extract(diag, 1) IN ('K402', 'K409'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
